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
/// Resolves a bearer token for the current request, in steps:
/// <list type="number">
/// <item>the request cache (<see cref="RequestAuthCache"/>): what this request resolved already;</item>
/// <item>the shape check;</item>
/// <item>the revocation copy's freshness (<see cref="ReplicaFreshness"/>): every answer, on every path, is checked
/// against this process's <see cref="RevocationReplica"/>, resynchronised first when it lags;</item>
/// <item>the near cache (<see cref="TokenNearCache"/>) of this process's grain answers, a copy near its end asked
/// again in the background (<see cref="NearCacheRefresher"/>);</item>
/// <item>the failed-authentication limit: an address over it (<see cref="FailedAuthenticationLimiter"/>) gets only
/// what the request and near caches hold, and anything else is refused before the precheck, the grain or a
/// signature check;</item>
/// <item>the full precheck;</item>
/// <item>the token's grain, hedged (<see cref="HedgedGrainCall"/>); the direct scheme validates here instead.</item>
/// </list>
/// Every token a request refuses counts once against its client address. Scoped: components of one request share
/// its <see cref="RequestAuthCache"/>.
/// </summary>
internal sealed class TokenResolver(
    RequestAuthCache requestCache,
    ReplicaFreshness replicaFreshness,
    TokenNearCache nearCache,
    NearCacheRefresher refresher,
    FailedAuthenticationLimiter limiter,
    HedgedGrainCall grainCall,
    GrainAnswers answers,
    TokenValidator validator,
    LocalJwksKeySource localKeys,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    AuthCacheMetrics metrics,
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

        var replica = await replicaFreshness.EnsureCurrentAsync();
        var useNearCache = !direct && nearCache.Enabled;
        string? hash = null;
        if (useNearCache)
        {
            if (nearCache.TryGet(hash = TokenHash.Compute(token), replica, out var copied, out var refresh))
            {
                metrics.NearCacheHit();
                if (refresh)
                {
                    refresher.Refresh(token, hash);
                }

                return new TokenResolution(copied, TokenResolutionSource.NearCache);
            }

            metrics.NearCacheMiss();
        }

        if (ClientAddress(out var address) && limiter.IsLimited(address))
        {
            metrics.Validated(AuthFailureReason.TooManyFailures);
            var limited = TokenValidationOutcome.Failure(AuthFailureReason.TooManyFailures);
            return new TokenResolution(limited, TokenResolutionSource.Limited);
        }

        var precheck = TokenPrecheck.Inspect(token, options.CurrentValue, clock.UtcNow);
        if (!precheck.Passed)
        {
            return Rejected(precheck.FailureReason!);
        }

        hash ??= TokenHash.Compute(token);
        if (direct)
        {
            var validated = answers.CheckRevocations(await validator.ValidateAsync(token, localKeys), hash);
            return new TokenResolution(validated, TokenResolutionSource.Direct);
        }

        return await grainCall.ResolveAsync(token, hash, useNearCache);
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
}
