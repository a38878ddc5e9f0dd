using AuthCache.AspNetCore.Authentication;
using AuthCache.Core;
using AuthCache.Core.Caching;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Caching;

/// <summary>
/// Resolves a bearer token for the current request: the request cache first, then the shape check, then (where this
/// process hosts a silo) the near cache of its grains' answers, then the full precheck, then the token's grain (or,
/// for the direct scheme and when the cluster does not answer in time, a local validation, which obeys this
/// process's copy of the revocations when it has one: an embedded silo's).
/// Scoped: components of one request share its <see cref="RequestAuthCache"/>.
/// </summary>
public sealed class AuthCacheTokenResolver(
    RequestAuthCache requestCache,
    IGrainFactory grainFactory,
    TokenValidator validator,
    LocalJwksKeySource localKeys,
    ClusterAvailability cluster,
    IOptionsMonitor<AuthCacheOptions> options,
    IOptionsMonitor<AuthCacheAuthenticationOptions> schemeOptions,
    AuthCacheClock clock,
    AuthCacheMetrics metrics,
    RevocationMetrics revocationMetrics,
    TokenNearCache nearCache,
    ITokenRevocationCheck? revocations = null)
{
    public RequestAuthCache RequestCache => requestCache;

    /// <summary>Through the cluster cache (the <see cref="AuthCacheDefaults.AuthenticationScheme"/> path).</summary>
    public ValueTask<TokenResolution> ResolveAsync(string token) => ResolveAsync(token, direct: false);

    /// <summary>Validated in this process, nothing cached but the keys (the direct scheme).</summary>
    public ValueTask<TokenResolution> ResolveDirectAsync(string token) => ResolveAsync(token, direct: true);

    private async ValueTask<TokenResolution> ResolveAsync(string token, bool direct)
    {
        if (requestCache.TryGet(token, direct, out var known))
        {
            metrics.RequestCacheHit();
            return known;
        }

        var resolution = await ResolveUncachedAsync(token, direct);
        requestCache.Add(token, direct, resolution);
        return resolution;
    }

    private async ValueTask<TokenResolution> ResolveUncachedAsync(string token, bool direct)
    {
        if (TokenPrecheck.CheckShape(token) is { } shapeFailure)
        {
            return Rejected(shapeFailure);
        }

        // A copy is only as fresh as what invalidates it: this process's own silo sees every revocation and cleanup.
        var useNearCache = !direct && revocations is not null && nearCache.Enabled;
        string? hash = null;
        if (useNearCache && nearCache.TryGet(hash = TokenHash.Compute(token), out var copied))
        {
            metrics.NearCacheHit();
            return new TokenResolution(copied, TokenResolutionSource.NearCache);
        }

        var precheck = TokenPrecheck.Inspect(token, options.CurrentValue, clock.UtcNow);
        if (!precheck.Passed)
        {
            return Rejected(precheck.FailureReason!);
        }

        if (direct)
        {
            return new TokenResolution(ApplyRevocations(await validator.ValidateAsync(token, localKeys), token, hash), TokenResolutionSource.Direct);
        }

        var generation = nearCache.Generation;
        var resolution = await ResolveThroughClusterAsync(token, hash ??= TokenHash.Compute(token));
        if (useNearCache && resolution.Source == TokenResolutionSource.Cluster)
        {
            nearCache.Add(hash, resolution.Result, generation);
        }

        return resolution;
    }

    private TokenResolution Rejected(string reason)
    {
        metrics.Validated(reason);
        return new TokenResolution(TokenValidationResult.Failure(reason), TokenResolutionSource.Precheck);
    }

    private async Task<TokenResolution> ResolveThroughClusterAsync(string token, string hash)
    {
        var timeout = schemeOptions.Get(AuthCacheDefaults.AuthenticationScheme).GrainCallTimeout;
        try
        {
            var result = await grainFactory.GetGrain<ITokenValidationGrain>(hash).ValidateAsync(token).WaitAsync(timeout);
            cluster.Succeeded();
            return new TokenResolution(result, TokenResolutionSource.Cluster);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || ex is TaskCanceledException { CancellationToken.IsCancellationRequested: false })
        {
            // Whatever went wrong between here and the grain, the cache must not cost a valid user a 401 or 5xx.
            cluster.Failed(ex);
            metrics.Fallback();
            return new TokenResolution(ApplyRevocations(await validator.ValidateAsync(token, localKeys), token, hash), TokenResolutionSource.Fallback);
        }
    }

    /// <param name="hash">The token's hash when this request already computed it.</param>
    private TokenValidationResult ApplyRevocations(TokenValidationResult result, string token, string? hash)
    {
        if (!result.IsValid || revocations is null || !revocations.IsRevoked(RevocationCandidate.From(hash ?? TokenHash.Compute(token), result)))
        {
            return result;
        }

        revocationMetrics.Rejected(RevocationCheckPath.Local);
        return TokenValidationResult.Failure(AuthFailureReason.Revoked);
    }
}
