namespace AuthCache.GrainInterfaces;

/// <summary>The statistics of every active silo that answered, and the silos that did not.</summary>
[GenerateSerializer, Immutable, Alias("AuthCache.ClusterCacheStatistics")]
public sealed record ClusterCacheStatistics(
    IReadOnlyList<SiloCacheStatistics> Silos,
    IReadOnlyList<string> UnreachableSilos);
