using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Caching.Internals;

/// <summary>
/// The call to a token's grain, hedged. A grain that has not answered within
/// <see cref="AuthCacheOptions.FallbackAfter"/> is hedged: the token is validated here with the signing keys this
/// process already holds (never fetching them), and the grain's late answer, if it comes within
/// <see cref="AuthCacheOptions.GrainCallTimeout"/>, still fills the caches. A grain that fails or times out falls
/// back to a full validation here. A hedged or fallback answer carries the user's profile when
/// <see cref="ProfileCopies"/> holds a current one (a renewed token of a user seen recently).
/// </summary>
internal sealed class HedgedGrainCall(
    GrainAnswers answers,
    TokenValidator validator,
    LocalJwksKeySource localKeys,
    ProfileCopies profiles,
    ClusterAvailability cluster,
    IOptionsMonitor<AuthCacheOptions> options,
    TimeProvider time,
    AuthCacheMetrics metrics)
{
    /// <summary>The token's answer through its grain; <paramref name="useNearCache"/>: copy its answer.</summary>
    public async Task<TokenResolution> ResolveAsync(string token, string hash, bool useNearCache)
    {
        var scheme = options.CurrentValue;
        var version = answers.Version;
        var call = answers.Call(token, hash);
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
            catch (Exception ex) when (GrainAnswers.IsClusterFailure(ex))
            {
                return await FallBackAsync(token, hash, ex, useNearCache);
            }
        }
        catch (Exception ex) when (GrainAnswers.IsClusterFailure(ex))
        {
            return await FallBackAsync(token, hash, ex, useNearCache);
        }

        cluster.Succeeded();
        return new TokenResolution(answers.Accept(answer, hash, useNearCache, version), TokenResolutionSource.Cluster);
    }

    /// <summary>The hedge: a conclusive answer from the keys held here, or null when they cannot decide.</summary>
    private async Task<TokenValidationOutcome?> ValidateWithHeldKeysAsync(string token, string hash)
    {
        var result = await validator.ValidateAsync(token, localKeys.HeldKeys);
        return result.IsValid
            || result.FailureReason is not AuthFailureReason.UnknownKey and not AuthFailureReason.KeysUnavailable
            ? answers.CheckRevocations(result, hash)
            : null;
    }

    /// <summary>
    /// After a hedge: the grain's late answer still fills the near cache, and tells whether the cluster is there.
    /// </summary>
    private async Task CopyWhenAnsweredAsync(
        Task<TokenValidationOutcome> call, TimeSpan remaining, string hash, bool useNearCache, CopyVersion version)
    {
        try
        {
            var answer = await call.WaitAsync(remaining, time);
            cluster.Succeeded();
            answers.Accept(answer, hash, useNearCache, version);
        }
        catch (Exception ex) when (GrainAnswers.IsClusterFailure(ex))
        {
            cluster.Failed(ex);
        }
    }

    /// <summary>
    /// Whatever went wrong between here and the grain, the cache must not cost a valid user a 401 or 5xx.
    /// </summary>
    private async Task<TokenResolution> FallBackAsync(string token, string hash, Exception failure, bool useNearCache)
    {
        cluster.Failed(failure);
        metrics.Fallback();
        var answer = answers.CheckRevocations(await validator.ValidateAsync(token, localKeys), hash);
        return new TokenResolution(WithHeldProfile(answer, useNearCache), TokenResolutionSource.Fallback);
    }

    /// <summary>An answer validated here, with the user's profile when a current copy of it is held.</summary>
    private TokenValidationOutcome WithHeldProfile(TokenValidationOutcome answer, bool useNearCache) =>
        useNearCache ? profiles.WithHeldProfile(answer) : answer;
}
