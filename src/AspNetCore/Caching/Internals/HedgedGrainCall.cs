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
/// <para>
/// A slow grain on a live silo (an activation fetching keys or a profile) is not a lost silo: halfway to the hedge
/// the grain is asked, interleaved, whether it is at work. When it said so by the time the hedge is due, and the
/// hedge would answer a valid token without the profile the grain is fetching, the host waits for the grain until
/// <see cref="AuthCacheOptions.GrainCallTimeout"/>. A lost silo does not answer the question, so the hedge still
/// answers at <see cref="AuthCacheOptions.FallbackAfter"/>.
/// </para>
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
        var started = time.GetTimestamp();
        Task<bool>? atWork = null;
        TokenValidationOutcome answer;
        try
        {
            try
            {
                answer = await call.WaitAsync(scheme.FallbackAfter / 2, time);
            }
            catch (TimeoutException)
            {
                atWork = answers.IsValidatingAsync(hash);
                answer = await call.WaitAsync(Left(started, scheme.FallbackAfter), time);
            }
        }
        catch (TimeoutException)
        {
            var remaining = Left(started, scheme.GrainCallTimeout);
            if (await ValidateWithHeldKeysAsync(token, hash) is { } held)
            {
                var hedged = WithHeldProfile(held, useNearCache);
                if (!WorthWaiting(hedged, atWork))
                {
                    metrics.Hedged();
                    _ = CopyWhenAnsweredAsync(call, remaining, hash, useNearCache, version);
                    return new TokenResolution(hedged, TokenResolutionSource.Hedged);
                }
            }

            // The keys this process holds cannot decide (none yet, or the token names a key they lack), or the
            // grain's live silo is fetching the profile a hedge would lack: the grain gets the rest of its time, so a
            // cold host does not fetch keys the cluster is already fetching.
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

    /// <summary>What is left of <paramref name="budget"/> since <paramref name="started"/>.</summary>
    private TimeSpan Left(long started, TimeSpan budget)
    {
        var left = budget - time.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>
    /// A hedge would answer a valid token without its profile, and the grain's silo said in time that the grain is
    /// at work (fetching that profile, or keys).
    /// </summary>
    private static bool WorthWaiting(TokenValidationOutcome hedged, Task<bool>? atWork) =>
        hedged is { IsValid: true, Profile: null } && atWork is { IsCompletedSuccessfully: true, Result: true };

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
