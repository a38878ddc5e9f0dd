using AuthCache.Core;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace AuthCache.Grains.Administration;

/// <summary>
/// What an invalidation evicts from this silo's own caches, when the silo's subscription receives it: a cleanup drops
/// the token and profile activations its scope covers (through grain calls, so each grain stays single-threaded while
/// it evicts), a profile eviction makes this silo's validations of the user read the profile again. Retired keys are
/// the <see cref="Revocation.SiloValidationIndex"/>'s.
/// </summary>
internal sealed partial class SiloCacheEviction(
    SiloCacheRegistry registry,
    EvictedProfiles evictedProfiles,
    IGrainFactory grainFactory,
    AuthCacheClock clock,
    ILogger<SiloCacheEviction> logger) : ILocalCacheEviction
{
    // Evictions run in bounded batches so an emergency clear of a large cache does not flood the silo.
    private const int EvictionBatchSize = 256;

    public async ValueTask<InvalidationApplied> EvictAsync(CacheInvalidation invalidation)
    {
        switch (invalidation)
        {
            case CacheCleared { Scope: var scope }:
                var now = clock.UtcNow;
                var tokens = await EvictAsync(registry.Tokens.Select(scope, now), id =>
                    grainFactory.GetGrain<ITokenValidationGrain>(id).EvictAsync(scope));
                var profiles = await EvictAsync(registry.Profiles.Select(scope, now), id =>
                    grainFactory.GetGrain<IUserProfileGrain>(id).EvictAsync(scope));
                LogEvicted(logger, scope, tokens, profiles);
                return new InvalidationApplied(tokens, profiles);
            case ProfileEvicted evicted:
                evictedProfiles.Evicted(evicted.Issuer, evicted.Subject);
                return new InvalidationApplied(0, 0);
            default:
                return new InvalidationApplied(0, 0);
        }
    }

    /// <summary>
    /// A profile eviction may have been missed: every validation of this silo reads its profile again.
    /// </summary>
    public void Resynchronised() => evictedProfiles.EvictedAll();

    private static async Task<int> EvictAsync(List<GrainId> grains, Func<GrainId, Task<bool>> evict)
    {
        var removed = 0;
        foreach (var batch in grains.Chunk(EvictionBatchSize))
        {
            var results = await Task.WhenAll(batch.Select(evict));
            removed += results.Count(dropped => dropped);
        }

        return removed;
    }

    [LoggerMessage(
        EventId = 2501,
        Level = LogLevel.Information,
        Message = "Cache cleanup ({Scope}) dropped {Tokens} validation(s) and {Profiles} profile(s) on this silo.")]
    private static partial void LogEvicted(ILogger logger, CacheEvictionScope scope, int tokens, int profiles);
}
