using System.Globalization;
using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Revocation;

/// <summary>
/// What revocations and key retirements look at in a validated token: its hash, sessions (<c>sid</c>), subject,
/// <c>iat</c>, and the issuer and key that verified it.
/// </summary>
internal sealed class RevocationCandidate(
    string tokenHash,
    IReadOnlyList<string> sessionIds,
    string? subject,
    DateTimeOffset? issuedAt,
    string? issuer = null,
    string? keyId = null)
{
    public const string SessionClaim = "sid";
    public const string IssuedAtClaim = "iat";

    public string TokenHash { get; } = tokenHash;

    /// <summary>Usually one; a token with several <c>sid</c> claims is revoked when any of them is.</summary>
    public IReadOnlyList<string> SessionIds { get; } = sessionIds;

    public string? Subject { get; } = subject;

    /// <summary>
    /// The token's <c>iat</c>; null when absent or unreadable, which counts as issued before any revocation.
    /// </summary>
    public DateTimeOffset? IssuedAt { get; } = issuedAt;

    public string? Issuer { get; } = issuer;

    /// <summary>The id of the signing key that verified the token.</summary>
    public string? KeyId { get; } = keyId;

    public static RevocationCandidate From(string tokenHash, TokenValidationOutcome result)
    {
        List<string>? sessions = null;
        DateTimeOffset? issuedAt = null;
        foreach (var claim in result.Claims)
        {
            if (string.Equals(claim.Type, SessionClaim, StringComparison.Ordinal))
            {
                (sessions ??= new List<string>(1)).Add(claim.Value);
            }
            else if (issuedAt is null && string.Equals(claim.Type, IssuedAtClaim, StringComparison.Ordinal))
            {
                issuedAt = ParseNumericDate(claim.Value);
            }
        }

        return new RevocationCandidate(
            tokenHash,
            sessions ?? (IReadOnlyList<string>)[],
            result.Subject,
            issuedAt,
            result.Issuer,
            result.KeyId);
    }

    // A JWT NumericDate may carry a fraction; anything out of range is treated as missing (issued before).
    private static DateTimeOffset? ParseNumericDate(string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds)
            || seconds < 0
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeSeconds((long)Math.Floor(seconds));
    }
}
