namespace AuthCache.GrainInterfaces;

/// <summary>
/// What a cleanup removed, summed over the silos that applied it when notified; how many active silos confirmed it
/// (<see cref="Silos"/>, those that caught up through their subscription instead included) and which did not
/// (<see cref="UnreachableSilos"/>); which API hosts dropped their copies of answers (<see cref="Hosts"/>) or did not
/// confirm it (<see cref="UnconfirmedHosts"/>).
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
