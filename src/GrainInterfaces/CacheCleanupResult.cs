namespace AuthCache.GrainInterfaces;

/// <summary>What a cleanup removed, summed over the silos that answered.</summary>
[GenerateSerializer, Immutable, Alias("AuthCache.CacheCleanupResult")]
public sealed record CacheCleanupResult(
    CacheEvictionScope Scope,
    long TokensRemoved,
    long ProfilesRemoved,
    int Silos,
    IReadOnlyList<string> UnreachableSilos);
