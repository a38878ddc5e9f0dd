using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Endpoints;

/// <summary>The cluster-wide answer of <c>GET /api/v1/cache/stats</c>: totals first, then the parts they sum.</summary>
internal sealed record CacheStatsResponse(
    string Scope,
    DateTimeOffset GeneratedAt,
    SiloCoverage Cluster,
    TokenCacheStats TokenCache,
    UserProfileCacheStats UserProfiles,
    RequestCacheStats RequestCache,
    NearCacheStats NearCache,
    long Fallbacks,
    long HedgedValidations,
    IReadOnlyList<IssuerKeyStats> Jwks,
    IReadOnlyList<SiloCacheStatistics> Silos,
    IReadOnlyList<ApiHostCounters> ApiHosts)
{
    public static CacheStatsResponse Create(
        ClusterCacheStatistics cluster,
        IReadOnlyList<ApiHostCounters> hosts,
        IReadOnlyList<JwksStatus> jwks,
        DateTimeOffset now)
    {
        var silos = cluster.Silos;
        var tokenHits = silos.Sum(s => s.TokenCacheHits);
        var tokenMisses = silos.Sum(s => s.TokenCacheMisses);
        var profileHits = silos.Sum(s => s.ProfileCacheHits);
        var profileFetches = silos.Sum(s => s.ProfileFetches);
        return new CacheStatsResponse(
            "cluster",
            now,
            new SiloCoverage(silos.Count + cluster.UnreachableSilos.Count, silos.Count, cluster.UnreachableSilos),
            new TokenCacheStats(
                tokenHits,
                tokenMisses,
                Rate(tokenHits, tokenMisses),
                silos.Sum(s => s.TokenEntries),
                silos.Sum(s => s.TokenBytes),
                silos.Count == 0 ? 0 : silos.Max(s => s.MaxTokenEntries),
                silos.Sum(s => s.TokensUncachedBecauseFull)),
            new UserProfileCacheStats(
                profileHits,
                profileFetches,
                Rate(profileHits, profileFetches),
                silos.Sum(s => s.ProfileEntries),
                silos.Sum(s => s.ProfileBytes)),
            new RequestCacheStats(hosts.Sum(h => h.RequestCacheHits), hosts.Count),
            new NearCacheStats(
                hosts.Sum(h => h.NearCacheHits),
                hosts.Sum(h => h.NearCacheMisses),
                Rate(hosts.Sum(h => h.NearCacheHits), hosts.Sum(h => h.NearCacheMisses)),
                hosts.Sum(h => (long)h.NearCacheEntries)),
            hosts.Sum(h => h.Fallbacks),
            hosts.Sum(h => h.HedgedValidations),
            jwks.Select(IssuerKeyStats.From).ToArray(),
            silos.OrderBy(s => s.Silo, StringComparer.Ordinal).ToArray(),
            hosts);
    }

    private static double Rate(long hits, long misses) => hits + misses == 0 ? 0 : (double)hits / (hits + misses);
}

/// <summary>
/// How many active silos the numbers cover; an unreachable silo's entries are missing from the totals.
/// </summary>
internal sealed record SiloCoverage(int ActiveSilos, int AnsweredSilos, IReadOnlyList<string> UnreachableSilos);

/// <summary>
/// <see cref="MaxEntriesPerSilo"/> bounds each silo; <see cref="UncachedBecauseFull"/> valid tokens were answered but
/// not cached at the bound.
/// </summary>
internal sealed record TokenCacheStats(
    long Hits,
    long Misses,
    double HitRate,
    long ActiveEntries,
    long ApproximateBytes,
    int MaxEntriesPerSilo,
    long UncachedBecauseFull);

/// <summary><see cref="Fetches"/> are the profile lookups that went to the identity provider (the misses).</summary>
internal sealed record UserProfileCacheStats(
    long Hits,
    long Fetches,
    double HitRate,
    long ActiveEntries,
    long ApproximateBytes);

/// <summary>Per-request cache hits summed over the <see cref="ApiHosts"/> API hosts that report.</summary>
internal sealed record RequestCacheStats(long Hits, int ApiHosts);

/// <summary>
/// Answers the API hosts gave from their copies of their grains' answers (no grain call; not counted in the token
/// cache's hits), the lookups they could not answer, and the copies they hold now.
/// </summary>
internal sealed record NearCacheStats(long Hits, long Misses, double HitRate, long Entries);

internal sealed record IssuerKeyStats(
    string Issuer,
    IReadOnlyList<string> KeyIds,
    DateTimeOffset? LastRefresh,
    DateTimeOffset? NextRefresh,
    DateTimeOffset? ExpiresAt,
    bool IsStale,
    long FetchSuccesses,
    long FetchFailures,
    string? LastError,
    DateTimeOffset? LastErrorAt)
{
    public static IssuerKeyStats From(JwksStatus status) => new(
        status.Issuer,
        status.KeyIds,
        status.LastRefresh,
        status.NextRefresh,
        status.ExpiresAt,
        status.IsStale,
        status.FetchSuccesses,
        status.FetchFailures,
        status.LastError,
        status.LastErrorAt);
}
