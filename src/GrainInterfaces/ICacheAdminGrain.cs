namespace AuthCache.GrainInterfaces;

/// <summary>
/// Operator views and actions over the whole cluster (and the profile evictions identity-provider webhooks ask
/// for): asks every active silo for its own numbers; publishes cleanups and profile evictions through the
/// <see cref="IRevocationListGrain"/>, which every silo and API host is subscribed to. A stateless worker; use key 0.
/// </summary>
[Alias("AuthCache.ICacheAdminGrain")]
public interface ICacheAdminGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The numbers of every active silo's caches, summed; a silo that does not answer in time is named unreachable.
    /// </summary>
    [Alias("GetStatistics")]
    Task<ClusterCacheStatistics> GetStatisticsAsync();

    /// <summary>
    /// Drops the cached entries <paramref name="scope"/> covers in every silo and every API host's copies, through
    /// the revocation list's subscriptions, and answers what each silo dropped and who did not confirm.
    /// </summary>
    [Alias("Cleanup")]
    Task<CacheCleanupResult> CleanupAsync(CacheEvictionScope scope);

    /// <summary>
    /// Drops the cached profile of <paramref name="subject"/> of <paramref name="issuer"/>, so its next read fetches
    /// it, then tells every active silo (the validations they cache for that user read the profile again on their next
    /// hit), then every API host (which drop their copies of the user's answers).
    /// </summary>
    [Alias("EvictProfile")]
    Task<ProfileEvictionResult> EvictProfileAsync(string issuer, string subject);
}
