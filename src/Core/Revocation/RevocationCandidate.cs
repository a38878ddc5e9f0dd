using System.Globalization;
using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Revocation;

/// <summary>What revocations look at in a validated token: its hash, sessions (<c>sid</c>), subject and <c>iat</c>.</summary>
public sealed class RevocationCandidate(string tokenHash, IReadOnlyList<string> sessionIds, string? subject, DateTimeOffset? issuedAt)
{
    public const string SessionClaim = "sid";
    public const string IssuedAtClaim = "iat";

    public string TokenHash { get; } = tokenHash;

    /// <summary>Usually one; a token with several <c>sid</c> claims is revoked when any of them is.</summary>
    public IReadOnlyList<string> SessionIds { get; } = sessionIds;

    public string? Subject { get; } = subject;

    /// <summary>The token's <c>iat</c>; null when absent or unreadable, which counts as issued before any revocation.</summary>
    public DateTimeOffset? IssuedAt { get; } = issuedAt;

    public static RevocationCandidate From(string tokenHash, TokenValidationResult result)
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

        return new RevocationCandidate(tokenHash, sessions ?? (IReadOnlyList<string>)[], result.Subject, issuedAt);
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
