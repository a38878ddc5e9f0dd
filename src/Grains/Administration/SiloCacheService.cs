using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.GrainInterfaces;
using AuthCache.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.Grains.Administration;

/// <summary>
/// The per-silo half of the cluster-wide stats and cleanup: reads this silo's counters and entry tables, and
/// asks this silo's own activations to drop their entries (through grain calls, so each grain stays
/// single-threaded while it evicts).
/// </summary>
internal sealed partial class SiloCacheService(
    GrainId grainId,
    Silo silo,
    ILoggerFactory loggerFactory,
    ILocalSiloDetails localSilo,
    SiloCacheRegistry registry,
    AuthCacheMetrics metrics,
    AuthCacheClock clock,
    IOptionsMonitor<AuthCacheOptions> options,
    IGrainFactory grainFactory,
    EvictedProfiles evictedProfiles)
    : GrainService(grainId, silo, loggerFactory), ISiloCacheService
{
    // Evictions run in bounded batches so an emergency clear of a large cache does not flood the silo.
    private const int EvictionBatchSize = 256;

    private readonly ILogger _logger = loggerFactory.CreateLogger<SiloCacheService>();

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

    public async Task<SiloCleanupResult> EvictAsync(CacheEvictionScope scope)
    {
        var now = clock.UtcNow;

        var tokens = await EvictAsync(registry.Tokens.Select(scope, now), id => grainFactory.GetGrain<ITokenValidationGrain>(id).EvictAsync(scope));
        var profiles = await EvictAsync(registry.Profiles.Select(scope, now), id => grainFactory.GetGrain<IUserProfileGrain>(id).EvictAsync(scope));
        LogEvicted(_logger, scope, tokens, profiles);
        return new SiloCleanupResult(localSilo.SiloAddress.ToParsableString(), tokens, profiles);
    }

    public Task ProfileEvictedAsync(string issuer, string subject)
    {
        evictedProfiles.Evicted(issuer, subject);
        return Task.CompletedTask;
    }

    private async Task<long> EvictAsync(List<GrainId> grains, Func<GrainId, Task<bool>> evict)
    {
        long removed = 0;
        foreach (var batch in grains.Chunk(EvictionBatchSize))
        {
            var results = await Task.WhenAll(batch.Select(evict));
            removed += results.Count(dropped => dropped);
        }

        return removed;
    }

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Cache cleanup ({Scope}) dropped {Tokens} validation(s) and {Profiles} profile(s) on this silo.")]
    private static partial void LogEvicted(ILogger logger, CacheEvictionScope scope, long tokens, long profiles);
}
