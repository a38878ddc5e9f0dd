using AuthCache.AspNetCore.Authentication;
using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Caching;

/// <summary>
/// Resolves a bearer token for the current request: the request cache first, then the cheap precheck, then the
/// token's grain (or, for the direct scheme and when the cluster does not answer in time, a local validation,
/// which obeys this process's copy of the revocations when it has one: an embedded silo's).
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

        var precheck = TokenPrecheck.Inspect(token, options.CurrentValue, clock.UtcNow);
        var resolution = !precheck.Passed ? Rejected(precheck.FailureReason!)
            : direct ? new TokenResolution(ApplyRevocations(await validator.ValidateAsync(token, localKeys), token), TokenResolutionSource.Direct)
            : await ResolveThroughClusterAsync(token);
        requestCache.Add(token, direct, resolution);
        return resolution;
    }

    private TokenResolution Rejected(string reason)
    {
        metrics.Validated(reason);
        return new TokenResolution(TokenValidationResult.Failure(reason), TokenResolutionSource.Precheck);
    }

    private async Task<TokenResolution> ResolveThroughClusterAsync(string token)
    {
        var timeout = schemeOptions.Get(AuthCacheDefaults.AuthenticationScheme).GrainCallTimeout;
        try
        {
            var result = await grainFactory.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token).WaitAsync(timeout);
            cluster.Succeeded();
            return new TokenResolution(result, TokenResolutionSource.Cluster);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || ex is TaskCanceledException { CancellationToken.IsCancellationRequested: false })
        {
            // Whatever went wrong between here and the grain, the cache must not cost a valid user a 401 or 5xx.
            cluster.Failed(ex);
            metrics.Fallback();
            return new TokenResolution(ApplyRevocations(await validator.ValidateAsync(token, localKeys), token), TokenResolutionSource.Fallback);
        }
    }

    private TokenValidationResult ApplyRevocations(TokenValidationResult result, string token)
    {
        if (!result.IsValid || revocations is null || !revocations.IsRevoked(RevocationCandidate.From(TokenHash.Compute(token), result)))
        {
            return result;
        }

        revocationMetrics.Rejected(RevocationCheckPath.Local);
        return TokenValidationResult.Failure(AuthFailureReason.Revoked);
    }
}
