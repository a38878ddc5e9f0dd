namespace AuthCache.GrainInterfaces;

/// <summary>
/// Operator views and actions over the whole cluster: asks every active silo for its own numbers or to drop
/// its own entries. A stateless worker; use key 0.
/// </summary>
[Alias("AuthCache.ICacheAdminGrain")]
public interface ICacheAdminGrain : IGrainWithIntegerKey
{
    [Alias("GetStatistics")]
    Task<ClusterCacheStatistics> GetStatisticsAsync();

    [Alias("Cleanup")]
    Task<CacheCleanupResult> CleanupAsync(CacheEvictionScope scope);
}
