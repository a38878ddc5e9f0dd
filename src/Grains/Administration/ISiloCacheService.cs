using AuthCache.GrainInterfaces;
using Orleans.Services;

namespace AuthCache.Grains.Administration;

/// <summary>
/// One per silo (a grain service): the numbers of this silo's caches, and the eviction of this silo's entries (and of
/// the profile copies its cached validations hold).
/// Reached through <see cref="ISiloCacheServiceClient"/> by silo address.
/// </summary>
[Alias("AuthCache.ISiloCacheService")]
internal interface ISiloCacheService : IGrainService
{
    [Alias("GetStatistics")]
    Task<SiloCacheStatistics> GetStatisticsAsync();

    [Alias("Evict")]
    Task<SiloCleanupResult> EvictAsync(CacheEvictionScope scope);

    /// <summary>The cluster evicted this user's profile: this silo's validations of the user read it again.</summary>
    [Alias("ProfileEvicted")]
    Task ProfileEvictedAsync(string issuer, string subject);
}

[GenerateSerializer, Immutable, Alias("AuthCache.SiloCleanupResult")]
internal sealed record SiloCleanupResult(string Silo, long TokensRemoved, long ProfilesRemoved);
