using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>
/// Verifies a webhook delivery exactly as Svix (Clerk's webhook sender) signs it: HMAC-SHA256, keyed with the
/// base64-decoded part of the <c>whsec_</c> secret, over <c>{svix-id}.{svix-timestamp}.{raw body}</c>;
/// <c>svix-signature</c> is a space-separated list of <c>v1,{base64 signature}</c> entries (several during a
/// secret rotation), any one of which may match; comparisons are constant-time. Timestamps more than
/// <see cref="Tolerance"/> away from now are refused, which bounds replays.
/// </summary>
internal sealed class SvixSignatureVerifier
{
    public const string IdHeader = "svix-id";
    public const string TimestampHeader = "svix-timestamp";
    public const string SignatureHeader = "svix-signature";
    public const int MinimumKeyBytes = 16;

    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const string SecretPrefix = "whsec_";
    private const string SignatureVersion = "v1,";
    private const int MaxMessageIdLength = 128;
    private const int MaxTimestampLength = 20;

    /// <summary>Room for a handful of signatures (a rotation), not for a work amplification.</summary>
    private const int MaxSignatureHeaderLength = 2048;

    private readonly byte[] _key;

    private SvixSignatureVerifier(byte[] key) => _key = key;

    /// <summary>
    /// Builds a verifier from a <c>whsec_…</c> secret (the prefix may be omitted, as Svix's libraries allow).
    /// </summary>
    public static bool TryCreate(string? secret, [NotNullWhen(true)] out SvixSignatureVerifier? verifier)
    {
        verifier = null;
        if (string.IsNullOrWhiteSpace(secret))
        {
            return false;
        }

        var encoded = secret.Trim();
        if (encoded.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            encoded = encoded[SecretPrefix.Length..];
        }

        var key = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, key, out var written) || written < MinimumKeyBytes)
        {
            return false;
        }

        verifier = new SvixSignatureVerifier(key[..written]);
        return true;
    }

    public SvixVerification Verify(
        string? messageId,
        string? timestamp,
        string? signatures,
        ReadOnlySpan<byte> body,
        DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return SvixVerification.Unauthorized(SvixVerification.MissingHeaders);
        }

        if (!IsWellFormedMessageId(messageId))
        {
            return SvixVerification.BadRequest(SvixVerification.MalformedMessageId);
        }

        if (timestamp.Length > MaxTimestampLength
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return SvixVerification.BadRequest(SvixVerification.MalformedTimestamp);
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (sentAt < now - Tolerance)
        {
            return SvixVerification.Unauthorized(SvixVerification.TimestampTooOld);
        }

        if (sentAt > now + Tolerance)
        {
            return SvixVerification.Unauthorized(SvixVerification.TimestampTooNew);
        }

        if (signatures.Length > MaxSignatureHeaderLength)
        {
            return SvixVerification.BadRequest(SvixVerification.MalformedSignatureHeader);
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeSignature(messageId, timestamp, body, expected);
        return AnyMatches(signatures, expected)
            ? SvixVerification.Success
            : SvixVerification.Unauthorized(SvixVerification.InvalidSignature);
    }

    private void ComputeSignature(string messageId, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(Encoding.UTF8.GetBytes(messageId + "." + timestamp + "."));
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }

    private static bool AnyMatches(string signatures, ReadOnlySpan<byte> expected)
    {
        Span<byte> candidate = stackalloc byte[HMACSHA256.HashSizeInBytes + 3];
        var matched = false;
        foreach (var range in signatures.AsSpan().Split(' '))
        {
            var entry = signatures.AsSpan()[range];
            if (!entry.StartsWith(SignatureVersion, StringComparison.Ordinal))
            {
                continue;
            }

            if (Convert.TryFromBase64Chars(entry[SignatureVersion.Length..], candidate, out var written)
                && written == expected.Length
                && CryptographicOperations.FixedTimeEquals(candidate[..written], expected))
            {
                // Keep going: the time taken does not depend on which entry matched.
                matched = true;
            }
        }

        return matched;
    }

    private static bool IsWellFormedMessageId(string messageId)
    {
        if (messageId.Length > MaxMessageIdLength)
        {
            return false;
        }

        foreach (var c in messageId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
