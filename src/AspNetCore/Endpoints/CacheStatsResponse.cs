using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Endpoints;

public sealed record CacheStatsResponse(
    string Scope,
    TokenCacheStats TokenCache,
    UserProfileCacheStats UserProfiles,
    RequestCacheStats RequestCache,
    long Fallbacks,
    IReadOnlyList<JwksStatus> Jwks);

public sealed record TokenCacheStats(long Hits, long Misses, double HitRate, long ActiveEntries, long Validations, int MaxEntriesPerSilo, long UncachedBecauseFull);

public sealed record UserProfileCacheStats(long Hits, long Fetches);

public sealed record RequestCacheStats(long Hits);
