using AuthCache.Core.Options;

namespace AuthCache.Core.Revocation;

/// <summary>
/// The settings a revocation decision needs: how long a revocation lasts, and the clock skew allowed between
/// the issuer's <c>iat</c> and the time a subject was revoked.
/// </summary>
internal readonly record struct RevocationPolicy(TimeSpan Retention, TimeSpan ClockSkew)
{
    public static RevocationPolicy From(AuthCacheOptions options) => new(options.RevocationRetention, options.ClockSkew);
}
