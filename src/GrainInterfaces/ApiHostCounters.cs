namespace AuthCache.GrainInterfaces;

/// <summary>
/// The counters that live in an API host rather than in a silo (its request cache, its near cache, its hedged and
/// fallback validations), as totals since that host started; <see cref="NearCacheEntries"/> is the current count.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.ApiHostCounters")]
public sealed record ApiHostCounters(
    string Host,
    long RequestCacheHits,
    long Fallbacks,
    DateTimeOffset ReportedAt,
    long NearCacheHits,
    int NearCacheEntries,
    long HedgedValidations,
    long NearCacheMisses);
