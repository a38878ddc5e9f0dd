using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Administration;
using AuthCache.Grains.Revocation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.Grains;

/// <summary>
/// The cached validation of one token, keyed by its SHA-256. The grain's single-threaded turns make
/// concurrent first requests cost one validation. A valid result lives until min(TTL, token expiry) and the
/// activation then removes itself from a one-shot grain timer; a failure is never kept. Every call re-hashes the
/// token it is given, hit or miss, so the cached answer is only ever given for the token it was made for.
/// Revocations are checked against the silo's <see cref="RevocationReplica"/> on every miss and every hit,
/// without a grain call. A cached validation answers only while the silo's issuer rules still accept it: when the
/// silo's options change, its next hit checks it against the new rules (and <see cref="SiloValidationIndex"/> drops
/// those they refuse at once). The user's profile inside a cached validation is read again from its
/// <see cref="UserProfileGrain"/> on the first hit after the cluster evicted that profile
/// (<see cref="EvictedProfiles"/>).
/// </summary>
internal sealed partial class TokenValidationGrain(
    TokenValidator validator,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    AuthCacheMetrics metrics,
    SiloCacheRegistry registry,
    RevocationReplica revocations,
    SiloValidationIndex validations,
    RevocationMetrics revocationMetrics,
    EvictedProfiles evictedProfiles,
    CurrentIssuerRules rules,
    ILogger<TokenValidationGrain> logger) : Grain, ITokenValidationGrain
{
    private TokenValidationOutcome? _cached;
    private IssuerRules? _checkedRules;
    private long _profileReadAt;
    private IGrainTimer? _expiryTimer;
    private TrackedValidation? _revocationWatch;
    private string? _key;
    private bool _validating;

    private string Key => _key ??= this.GetPrimaryKeyString();

    public async Task<TokenValidationOutcome> ValidateAsync(string token)
    {
        _validating = true;
        try
        {
            return await AnswerAsync(token);
        }
        finally
        {
            _validating = false;
        }
    }

    public Task<bool> IsValidatingAsync()
    {
        // Asked of an activation that holds nothing (a lost silo's grain, placed again): it need not stay.
        if (!_validating && _cached is null)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(_validating);
    }

    private async Task<TokenValidationOutcome> AnswerAsync(string token)
    {
        // The key is derived from the token by the caller; a caller that lies about it gets nothing, cached or not.
        if (!string.Equals(TokenHash.Compute(token), Key, StringComparison.Ordinal))
        {
            LogKeyMismatch(logger);
            if (_cached is null)
            {
                DeactivateOnIdle();
            }

            return TokenValidationOutcome.Failure(AuthFailureReason.Malformed);
        }

        var now = clock.UtcNow;
        if (_cached is { } cached)
        {
            if (now < cached.CachedUntil)
            {
                if (RefusedByNewRules(cached, now) is { } refused)
                {
                    return refused;
                }

                if (_revocationWatch!.IsRevoked())
                {
                    return RejectRevoked(RevocationCheckPath.CacheHit);
                }

                if (evictedProfiles.Version != _profileReadAt)
                {
                    if (await WithFreshProfileAsync(cached) is not { } fresh)
                    {
                        return RejectRevoked(RevocationCheckPath.CacheHit);
                    }

                    cached = fresh;
                }

                metrics.TokenCacheHit();
                return cached;
            }

            Release();
        }

        metrics.TokenCacheMiss();

        // Read before validating: the validator reads the options then, and rules that change meanwhile are checked at
        // the next hit.
        var checkedRules = rules.Current;
        var result = await validator.ValidateAsync(token, new GrainSigningKeySource(GrainFactory));
        if (!result.IsValid)
        {
            DeactivateOnIdle();
            return result;
        }

        var watch = await WatchRevocationsAsync(result);
        if (watch.IsRevoked())
        {
            return RejectRevoked(RevocationCheckPath.Validation);
        }

        var settings = options.CurrentValue;
        var cacheUntil = Min(now + settings.TokenCacheTtl, result.ExpiresAt!.Value);
        var profileReadAt = evictedProfiles.Version;
        result = result with
        {
            CachedUntil = cacheUntil,
            Profile = await GetProfileAsync(result.Issuer, result.Subject),
        };
        if (watch.IsRevoked())
        {
            return RejectRevoked(RevocationCheckPath.Validation);
        }

        if (cacheUntil <= now)
        {
            DeactivateOnIdle();
            return result;
        }

        // A full cache still answers; it just stops growing (the bound holds whatever the token flood).
        if (metrics.ActiveEntries >= settings.MaxCachedTokens)
        {
            metrics.NotCachedBecauseFull();
            DeactivateOnIdle();
            return result with { CachedUntil = null };
        }

        _cached = result with { FromCache = true };
        _checkedRules = checkedRules;
        _profileReadAt = profileReadAt;
        _revocationWatch = watch;
        watch.Track(GrainContext);
        metrics.EntryCached();
        registry.Tokens.Cached(this.GetGrainId(), cacheUntil, CacheEntrySize.Of(_cached));
        _expiryTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.ExpireAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = cacheUntil - now, Period = Timeout.InfiniteTimeSpan });
        return result;
    }

    public Task<bool> EvictAsync(CacheEvictionScope scope)
    {
        var dropped = _cached is { } cached && (scope == CacheEvictionScope.All || clock.UtcNow >= cached.CachedUntil);
        if (dropped)
        {
            Release();
        }

        // An activation without a cached result has nothing to keep (this call may even have created it).
        if (_cached is null)
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

    private Task ExpireAsync()
    {
        Release();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private void Release()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        _revocationWatch?.Dispose();
        _revocationWatch = null;
        if (_cached is not null)
        {
            _cached = null;
            metrics.EntryReleased();
            registry.Tokens.Released(this.GetGrainId());
        }
    }

    /// <summary>
    /// The refusal of the cached validation by the silo's issuer rules, when they changed since it was made and no
    /// longer accept it (the validation goes); null while they accept it.
    /// </summary>
    private TokenValidationOutcome? RefusedByNewRules(TokenValidationOutcome cached, DateTimeOffset now)
    {
        var current = rules.Current;
        if (ReferenceEquals(current, _checkedRules))
        {
            return null;
        }

        if (current.Refuses(cached, now) is not { } reason)
        {
            _checkedRules = current;
            return null;
        }

        Release();
        DeactivateOnIdle();
        metrics.RefusedByIssuerRules(reason);
        return TokenValidationOutcome.Failure(reason);
    }

    /// <summary>
    /// The silo heard of profile evictions since this validation's profile was read: when its user's was one of them,
    /// the profile is read again and cached with the validation. Null when the validation was revoked meanwhile.
    /// </summary>
    private async Task<TokenValidationOutcome?> WithFreshProfileAsync(TokenValidationOutcome cached)
    {
        var version = evictedProfiles.Version;
        if (cached.Subject is null
            || cached.Issuer is null
            || !evictedProfiles.EvictedSince(_profileReadAt, cached.Issuer, cached.Subject))
        {
            _profileReadAt = version;
            return cached;
        }

        var profile = await GetProfileAsync(cached.Issuer, cached.Subject);

        // Not reentrant: only a revocation's withdrawal can have changed this validation while the profile was read.
        if (_revocationWatch!.IsRevoked())
        {
            return null;
        }

        _cached = cached with { Profile = profile };
        _profileReadAt = version;
        registry.Tokens.Cached(this.GetGrainId(), cached.CachedUntil!.Value, CacheEntrySize.Of(_cached));
        return _cached;
    }

    // Only the issuer whose users the secret key reads gets a profile: another issuer's subject names someone else.
    private async Task<UserProfile?> GetProfileAsync(string? issuer, string? subject)
    {
        var settings = options.CurrentValue;
        if (subject is null
            || issuer is null
            || !settings.UserProfiles.Enabled
            || !string.Equals(issuer, settings.UserProfiles.ResolveIssuer(settings.Issuers), StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return await GrainFactory
                .GetGrain<IUserProfileGrain>(Core.Profiles.UserProfileKey.Create(issuer, subject))
                .GetProfileAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogProfileUnavailable(logger, ex.GetType().Name);
            return null;
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [LoggerMessage(
        EventId = 2201,
        Level = LogLevel.Warning,
        Message = "A token did not hash to the key of the grain it was sent to; rejected.")]
    private static partial void LogKeyMismatch(ILogger logger);

    [LoggerMessage(
        EventId = 2202,
        Level = LogLevel.Warning,
        Message = "The user profile could not be loaded ({ErrorType}); authenticating without it.")]
    private static partial void LogProfileUnavailable(ILogger logger, string errorType);
}
