namespace AuthCache.GrainInterfaces;

/// <summary>
/// What a cleanup removed, summed over the silos that answered, and which API hosts dropped their copies of
/// answers (<see cref="Hosts"/>) or did not confirm it (<see cref="UnconfirmedHosts"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.CacheCleanupResult")]
public sealed record CacheCleanupResult(
    CacheEvictionScope Scope,
    long TokensRemoved,
    long ProfilesRemoved,
    int Silos,
    IReadOnlyList<string> UnreachableSilos,
    int Hosts,
    IReadOnlyList<string> UnconfirmedHosts);
