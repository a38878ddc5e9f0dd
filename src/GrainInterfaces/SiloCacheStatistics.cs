namespace AuthCache.GrainInterfaces;

/// <summary>
/// What one silo's activations cache and how its caches were used since the silo started. Byte counts are
/// estimates (activation overhead plus the strings kept), good for trends and capacity planning, not exact.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.SiloCacheStatistics")]
public sealed record SiloCacheStatistics(
    string Silo,
    string Name,
    long TokenCacheHits,
    long TokenCacheMisses,
    long TokenEntries,
    long TokenBytes,
    long ProfileCacheHits,
    long ProfileFetches,
    long ProfileEntries,
    long ProfileBytes);
