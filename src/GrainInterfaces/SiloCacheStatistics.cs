namespace AuthCache.GrainInterfaces;

/// <summary>
/// What one silo's activations cache and how its caches were used since the silo started. Byte counts are
/// estimates (activation overhead plus the strings kept), good for trends and capacity planning, not exact.
/// <see cref="MaxTokenEntries"/> is the silo's bound; valid tokens met while it was reached were answered but not
/// cached (<see cref="TokensUncachedBecauseFull"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.SiloCacheStatistics")]
public sealed record SiloCacheStatistics(
    string Silo,
    string Name,
    long TokenCacheHits,
    long TokenCacheMisses,
    long TokenEntries,
    long TokenBytes,
    int MaxTokenEntries,
    long TokensUncachedBecauseFull,
    long ProfileCacheHits,
    long ProfileFetches,
    long ProfileEntries,
    long ProfileBytes);
