using AuthCache.GrainInterfaces;
using Orleans.Services;

namespace AuthCache.Grains.Administration;

/// <summary>
/// One per silo (a grain service): the numbers of this silo's caches. Reached through
/// <see cref="ISiloCacheServiceClient"/> by silo address. Evictions do not come this way: they are invalidations,
/// which reach every silo through its revocation subscription (<see cref="SiloCacheEviction"/>).
/// </summary>
[Alias("AuthCache.ISiloCacheService")]
internal interface ISiloCacheService : IGrainService
{
    [Alias("GetStatistics"), SiloOnly]
    Task<SiloCacheStatistics> GetStatisticsAsync();
}
