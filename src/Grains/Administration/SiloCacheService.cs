using AuthCache.Core.Diagnostics;
using AuthCache.GrainInterfaces;
using AuthCache.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.Grains.Administration;

/// <summary>The per-silo half of the cluster-wide statistics: reads this silo's counters and entry tables.</summary>
internal sealed class SiloCacheService(
    GrainId grainId,
    Silo silo,
    ILoggerFactory loggerFactory,
    ILocalSiloDetails localSilo,
    SiloCacheRegistry registry,
    AuthCacheMetrics metrics,
    IOptionsMonitor<AuthCacheOptions> options)
    : GrainService(grainId, silo, loggerFactory), ISiloCacheService
{
    public Task<SiloCacheStatistics> GetStatisticsAsync()
    {
        var counters = metrics.Snapshot();
        return Task.FromResult(new SiloCacheStatistics(
            localSilo.SiloAddress.ToParsableString(),
            localSilo.Name,
            counters.TokenCacheHits,
            counters.TokenCacheMisses,
            registry.Tokens.Count,
            registry.Tokens.Bytes,
            options.CurrentValue.MaxCachedTokens,
            counters.UncachedBecauseFull,
            counters.ProfileCacheHits,
            counters.ProfileFetches,
            registry.Profiles.Count,
            registry.Profiles.Bytes));
    }
}
