using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.Core.Profiles;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Administration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthCache.Grains;

/// <summary>
/// One user's profile for the whole cluster, keyed by <see cref="UserProfileKey"/>: the many short-lived tokens of
/// a user cost one upstream call per TTL. Not reentrant, so concurrent first requests share one fetch. After a
/// failure the last known profile (or none) is served until the backoff passes. A key of any issuer but the one the
/// secret key reads (<c>AuthCache:UserProfiles:Issuer</c>) gets nothing and fetches nothing. A fetch is bounded by its
/// deadline and cancelled when the silo begins to stop, so this grain never holds up a shutdown.
/// </summary>
internal sealed class UserProfileGrain(
    UserProfileClient client,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    AuthCacheMetrics metrics,
    SiloCacheRegistry registry,
    IHostApplicationLifetime lifetime) : Grain, IUserProfileGrain
{
    private UserProfile? _profile;
    private DateTimeOffset _freshUntil;
    private DateTimeOffset _retryAfter;

    public async Task<UserProfile?> GetProfileAsync()
    {
        var now = clock.UtcNow;
        var configured = options.CurrentValue;
        var settings = configured.UserProfiles;
        if (!UserProfileKey.TryParse(this.GetPrimaryKeyString(), out var issuer, out var subject)
            || !string.Equals(issuer, settings.ResolveIssuer(configured.Issuers), StringComparison.Ordinal))
        {
            Release();
            DeactivateOnIdle();
            return null;
        }

        if (_profile is not null && now < _freshUntil)
        {
            metrics.ProfileCacheHit();
            return _profile;
        }

        if (now < _retryAfter)
        {
            return _profile;
        }

        UserProfile? fetched;
        try
        {
            fetched = await client.FetchAsync(subject, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return _profile;
        }

        if (fetched is null)
        {
            _retryAfter = clock.UtcNow + settings.FailureBackoff;
            return _profile;
        }

        _profile = fetched;
        _freshUntil = clock.UtcNow + settings.CacheTtl;
        registry.Profiles.Cached(this.GetGrainId(), _freshUntil, CacheEntrySize.Of(fetched));
        return fetched;
    }

    public Task<bool> EvictAsync(CacheEvictionScope scope)
    {
        var dropped = _profile is not null && (scope == CacheEvictionScope.All || clock.UtcNow >= _freshUntil);
        if (dropped)
        {
            Release();
        }

        if (_profile is null)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(dropped);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Release();
        return Task.CompletedTask;
    }

    private void Release()
    {
        if (_profile is not null)
        {
            _profile = null;
            registry.Profiles.Released(this.GetGrainId());
        }
    }
}
