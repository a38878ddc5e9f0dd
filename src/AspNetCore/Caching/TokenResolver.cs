using System.Diagnostics;
using System.Net;
using AuthCache.AspNetCore.Authentication;
using AuthCache.AspNetCore.Caching.Internals;
using AuthCache.AspNetCore.Revocation;
using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Caching;

/// <summary>
/// Resolves a bearer token for the current request: the request cache first, then the shape check, then the near
/// cache of this process's grain answers, then the full precheck, then the token's grain. A grain that has not
/// answered within <see cref="AuthCacheOptions.FallbackAfter"/> is hedged: the token is validated here
/// with the signing keys this process already holds (never fetching them), and the grain's answer, if it comes
/// within <see cref="AuthCacheOptions.GrainCallTimeout"/>, still fills the caches. A grain that fails
/// or times out falls back to a full validation here. The direct scheme always validates here. A grain may live on a
/// silo whose options trust more than this host's: its answers are accepted only when this host's own
/// <see cref="IssuerRules"/> accept them too, before they are answered or copied, so the near cache (emptied when the
/// options change) and the request cache only ever hold answers this host's rules accepted. Every answer, on
/// every path, is checked against this process's <see cref="RevocationReplica"/>, resynchronised first when it lags
/// (<see cref="ReplicaFreshness"/>); a hedged or fallback answer
/// carries the user's profile when the near cache holds a current one (a renewed token of a user seen recently).
/// Every token a request refuses counts against its client address (<see cref="FailedAuthenticationLimiter"/>), and
/// an address over the limit gets only what the request and near caches hold: anything else is refused before the
/// precheck, the grain or a signature check. Scoped: components of one request share its <see cref="RequestAuthCache"/>.
/// </summary>
internal sealed class TokenResolver(
    RequestAuthCache requestCache,
    IGrainFactory grainFactory,
    TokenValidator validator,
    LocalJwksKeySource localKeys,
    ClusterAvailability cluster,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    TimeProvider time,
    AuthCacheMetrics metrics,
    RevocationMetrics revocationMetrics,
    TokenNearCache nearCache,
    ProfileCopies profiles,
    RevocationReplica revocations,
    CurrentIssuerRules rules,
    FailedAuthenticationLimiter limiter,
    ReplicaFreshness replicaFreshness,
    IHttpContextAccessor httpContext) : AuthCacheTokenResolver
{
    public override RequestAuthCache RequestCache => requestCache;

    public override ValueTask<TokenResolution> ResolveAsync(string token) => ResolveAsync(token, direct: false);

    public override ValueTask<TokenResolution> ResolveDirectAsync(string token) => ResolveAsync(token, direct: true);

    private async ValueTask<TokenResolution> ResolveAsync(string token, bool direct)
    {
        if (requestCache.TryGet(token, direct, out var known))
        {
            metrics.RequestCacheHit();
            return known;
        }

        // Current while the grain is called, so the grain's own spans join this request's trace.
        using var activity = AuthCacheActivities.Start(AuthCacheActivities.ResolveActivity);
        var resolution = await ResolveUncachedAsync(token, direct);
        requestCache.Add(token, direct, resolution);
        // One refused token counts once, whichever schemes of the request asked about it.
        if (!resolution.Outcome.IsValid && !requestCache.Contains(token, !direct) && ClientAddress(out var address))
        {
            limiter.RecordRefusal(address, resolution.Outcome.FailureReason);
        }

        activity?.SetResolution(resolution);
        return resolution;
    }

    private async ValueTask<TokenResolution> ResolveUncachedAsync(string token, bool direct)
    {
        if (TokenPrecheck.CheckShape(token, options.CurrentValue.MaxTokenSize) is { } shapeFailure)
        {
            return Rejected(shapeFailure);
        }

        await replicaFreshness.EnsureCurrentAsync();
        var useNearCache = !direct && nearCache.Enabled;
        string? hash = null;
        if (useNearCache)
        {
            if (nearCache.TryGet(hash = TokenHash.Compute(token), out var copied, out var refresh))
            {
                metrics.NearCacheHit();
                if (refresh)
                {
                    _ = RefreshCopyAsync(token, hash);
                }

                return new TokenResolution(copied, TokenResolutionSource.NearCache);
            }

            metrics.NearCacheMiss();
        }

        if (ClientAddress(out var address) && limiter.IsLimited(address))
        {
            metrics.Validated(AuthFailureReason.TooManyFailures);
            return new TokenResolution(TokenValidationOutcome.Failure(AuthFailureReason.TooManyFailures), TokenResolutionSource.Limited);
        }

        var precheck = TokenPrecheck.Inspect(token, options.CurrentValue, clock.UtcNow);
        if (!precheck.Passed)
        {
            return Rejected(precheck.FailureReason!);
        }

        hash ??= TokenHash.Compute(token);
        if (direct)
        {
            return new TokenResolution(CheckRevocations(await validator.ValidateAsync(token, localKeys), hash), TokenResolutionSource.Direct);
        }

        return await ResolveThroughClusterAsync(token, hash, useNearCache);
    }

    /// <summary>The address of the request's client; false outside a request (nothing to limit).</summary>
    private bool ClientAddress(out IPAddress? address)
    {
        var context = httpContext.HttpContext;
        address = context?.Connection.RemoteIpAddress;
        return context is not null;
    }

    private TokenResolution Rejected(string reason)
    {
        metrics.Validated(reason);
        return new TokenResolution(TokenValidationOutcome.Failure(reason), TokenResolutionSource.Precheck);
    }

    private async Task<TokenResolution> ResolveThroughClusterAsync(string token, string hash, bool useNearCache)
    {
        var scheme = options.CurrentValue;
        var version = new CopyVersion(nearCache.Version, profiles.Version);
        var call = CallGrain(token, hash);
        TokenValidationOutcome answer;
        try
        {
            answer = await call.WaitAsync(scheme.FallbackAfter, time);
        }
        catch (TimeoutException)
        {
            var remaining = scheme.GrainCallTimeout - scheme.FallbackAfter;
            if (await ValidateWithHeldKeysAsync(token, hash) is { } hedged)
            {
                metrics.Hedged();
                _ = CopyWhenAnsweredAsync(call, remaining, hash, useNearCache, version);
                return new TokenResolution(WithHeldProfile(hedged, useNearCache), TokenResolutionSource.Hedged);
            }

            // The keys this process holds cannot decide (none yet, or the token names a key they lack): the grain
            // gets the rest of its time, so a cold host does not fetch keys the cluster is already fetching.
            try
            {
                answer = await call.WaitAsync(remaining, time);
            }
            catch (Exception ex) when (IsClusterFailure(ex))
            {
                return await FallBackAsync(token, hash, ex, useNearCache);
            }
        }
        catch (Exception ex) when (IsClusterFailure(ex))
        {
            return await FallBackAsync(token, hash, ex, useNearCache);
        }

        cluster.Succeeded();
        return new TokenResolution(Copy(answer, hash, useNearCache, version), TokenResolutionSource.Cluster);
    }

    /// <summary>The grain call as a task, also when the client fails it before sending (not connected yet).</summary>
    private Task<TokenValidationOutcome> CallGrain(string token, string hash)
    {
        try
        {
            return grainFactory.GetGrain<ITokenValidationGrain>(hash).ValidateAsync(token);
        }
        catch (Exception ex) when (IsClusterFailure(ex))
        {
            return Task.FromException<TokenValidationOutcome>(ex);
        }
    }

    /// <summary>A grain's answer, checked against this host's rules and revocations, and copied into the near cache.</summary>
    private TokenValidationOutcome Copy(TokenValidationOutcome answer, string hash, bool useNearCache, CopyVersion version)
    {
        var checkedAnswer = CheckRevocations(CheckRules(answer), hash);
        if (useNearCache && checkedAnswer.IsValid && nearCache.Add(hash, checkedAnswer, version.Tokens) is { } until)
        {
            profiles.Add(checkedAnswer, until, version.Profiles);
        }

        return checkedAnswer;
    }

    /// <summary>The hedge: a conclusive answer from the keys already held here, or null when they cannot decide.</summary>
    private async Task<TokenValidationOutcome?> ValidateWithHeldKeysAsync(string token, string hash)
    {
        var result = await validator.ValidateAsync(token, localKeys.HeldKeys);
        return result.IsValid || (result.FailureReason is not AuthFailureReason.UnknownKey and not AuthFailureReason.KeysUnavailable)
            ? CheckRevocations(result, hash)
            : null;
    }

    /// <summary>After a hedge: the grain's late answer still fills the near cache, and tells whether the cluster is there.</summary>
    private async Task CopyWhenAnsweredAsync(Task<TokenValidationOutcome> call, TimeSpan remaining, string hash, bool useNearCache, CopyVersion version)
    {
        try
        {
            var answer = await call.WaitAsync(remaining, time);
            cluster.Succeeded();
            Copy(answer, hash, useNearCache, version);
        }
        catch (Exception ex) when (IsClusterFailure(ex))
        {
            cluster.Failed(ex);
        }
    }

    /// <summary>
    /// Asks the grain again for a near-cache copy near the end of its life, while the copy goes on answering: the
    /// grain's answer replaces it, or drops it when the grain no longer finds the token valid. A failed call leaves
    /// the copy to end at its time, and the next request goes through the grain (hedge and fallback included).
    /// </summary>
    private async Task RefreshCopyAsync(string token, string hash)
    {
        // Not part of the request that happened to trigger it, which may be answered long before the grain is.
        Activity.Current = null;
        var version = new CopyVersion(nearCache.Version, profiles.Version);
        try
        {
            var answer = await CallGrain(token, hash).WaitAsync(options.CurrentValue.GrainCallTimeout, time);
            cluster.Succeeded();
            if (Copy(answer, hash, useNearCache: true, version).IsValid)
            {
                metrics.NearCacheRefreshed("valid");
            }
            else
            {
                nearCache.Remove(hash);
                metrics.NearCacheRefreshed("dropped");
            }
        }
        catch (Exception ex) when (IsClusterFailure(ex))
        {
            cluster.Failed(ex);
            metrics.NearCacheRefreshed("failed");
        }
    }

    /// <summary>Whatever went wrong between here and the grain, the cache must not cost a valid user a 401 or 5xx.</summary>
    private async Task<TokenResolution> FallBackAsync(string token, string hash, Exception failure, bool useNearCache)
    {
        cluster.Failed(failure);
        metrics.Fallback();
        var answer = CheckRevocations(await validator.ValidateAsync(token, localKeys), hash);
        return new TokenResolution(WithHeldProfile(answer, useNearCache), TokenResolutionSource.Fallback);
    }

    /// <summary>An answer validated here, with the user's profile when the near cache holds a current one.</summary>
    private TokenValidationOutcome WithHeldProfile(TokenValidationOutcome answer, bool useNearCache) =>
        useNearCache ? profiles.WithHeldProfile(answer) : answer;

    private static bool IsClusterFailure(Exception ex) =>
        ex is not OperationCanceledException || ex is TaskCanceledException { CancellationToken.IsCancellationRequested: false };

    /// <summary>The grain validated with its silo's options; this host accepts only what its own rules accept.</summary>
    private TokenValidationOutcome CheckRules(TokenValidationOutcome answer)
    {
        if (rules.Current.Refuses(answer, clock.UtcNow) is not { } reason)
        {
            return answer;
        }

        metrics.RefusedByIssuerRules(reason);
        return TokenValidationOutcome.Failure(reason);
    }

    private TokenValidationOutcome CheckRevocations(TokenValidationOutcome result, string hash)
    {
        if (!result.IsValid || !revocations.IsRevoked(RevocationCandidate.From(hash, result)))
        {
            return result;
        }

        revocationMetrics.Rejected(RevocationCheckPath.Local);
        return TokenValidationOutcome.Failure(AuthFailureReason.Revoked);
    }

    /// <summary>The versions of the token and profile copies, read before a grain is asked.</summary>
    private readonly record struct CopyVersion(long Tokens, long Profiles);
}
