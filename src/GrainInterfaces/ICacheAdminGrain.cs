namespace AuthCache.GrainInterfaces;

/// <summary>
/// Operator views and actions over the whole cluster (and the profile evictions identity-provider webhooks ask
/// for): asks every active silo for its own numbers or to drop its own entries. A stateless worker; use key 0.
/// </summary>
[Alias("AuthCache.ICacheAdminGrain")]
public interface ICacheAdminGrain : IGrainWithIntegerKey
{
    [Alias("GetStatistics")]
    Task<ClusterCacheStatistics> GetStatisticsAsync();

    [Alias("Cleanup")]
    Task<CacheCleanupResult> CleanupAsync(CacheEvictionScope scope);

    /// <summary>
    /// Drops the cached profile of <paramref name="subject"/> of <paramref name="issuer"/>, so its next read fetches it,
    /// then tells every active silo: the validations they cache for that user read the profile again on their next hit.
    /// </summary>
    [Alias("EvictProfile")]
    Task<ProfileEvictionResult> EvictProfileAsync(string issuer, string subject);
}
