using System.Runtime.CompilerServices;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Revocation;

/// <summary>
/// The settings a revocation decision needs: how long a revocation is kept, and the clock skew allowed between the
/// issuer's <c>iat</c> and the time a subject was revoked. A revocation only has to outlive the tokens it can match:
/// it is kept for its issuer's <see cref="IssuerOptions.MaxTokenLifetime"/> plus the clock skew. A token hash names
/// no issuer, and an issuer no longer configured has no lifetime of its own: those are kept for the longest.
/// </summary>
internal sealed class RevocationPolicy
{
    // One policy per options instance: an options reload makes a new instance, so a policy never outlives its settings,
    // and a cache hit does not build one.
    private static readonly ConditionalWeakTable<AuthCacheOptions, RevocationPolicy> Policies = new();

    private readonly Dictionary<string, TimeSpan> _retentions;

    public RevocationPolicy(TimeSpan clockSkew, IReadOnlyDictionary<string, TimeSpan> maxTokenLifetimes)
    {
        ClockSkew = clockSkew;
        _retentions = maxTokenLifetimes.ToDictionary(p => p.Key, p => p.Value + clockSkew, StringComparer.Ordinal);
        LongestRetention =
            (maxTokenLifetimes.Count == 0 ? IssuerOptions.DefaultMaxTokenLifetime : maxTokenLifetimes.Values.Max())
            + clockSkew;
    }

    public TimeSpan ClockSkew { get; }

    /// <summary>How long a token-hash revocation, or one of an issuer no longer configured, is kept.</summary>
    public TimeSpan LongestRetention { get; }

    public static RevocationPolicy From(AuthCacheOptions options) =>
        Policies.GetValue(options, static o => new RevocationPolicy(
            o.ClockSkew,
            o.Issuers.GroupBy(i => i.Issuer, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Max(i => i.ResolveMaxTokenLifetime()), StringComparer.Ordinal)));

    /// <summary>How long a revocation scoped to <paramref name="issuer"/> (null for a token hash) is kept.</summary>
    public TimeSpan RetentionOf(string? issuer) =>
        issuer is not null && _retentions.TryGetValue(issuer, out var retention) ? retention : LongestRetention;

    /// <summary>When the record stops counting: the last token it could match has expired by then.</summary>
    public DateTimeOffset KeptUntil(RevocationRecord record) =>
        record.RevokedAt + RetentionOf(record.Kind == RevocationKind.TokenHash ? null : record.Issuer);

    public bool IsActive(RevocationRecord record, DateTimeOffset now) => now < KeptUntil(record);
}
