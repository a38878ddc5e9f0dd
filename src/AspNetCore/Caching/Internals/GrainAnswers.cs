using System.Diagnostics.Metrics;
using AuthCache.AspNetCore.Authentication;
using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Revocation;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Caching.Internals;

/// <summary>
/// A token grain's answer on its way into this host: the call itself, then this host's issuer rules and revocations,
/// then the near cache and the profile copies. A grain may live on a silo whose options trust more than this host's:
/// its answers are accepted only when this host's own <see cref="IssuerRules"/> accept them too, before they are
/// answered or copied, so the near cache (emptied when the options change) only ever holds answers this host's rules
/// accepted.
/// </summary>
internal sealed class GrainAnswers(
    IGrainFactory grainFactory,
    AuthCacheClock clock,
    AuthCacheMetrics metrics,
    RevocationMetrics revocationMetrics,
    TokenNearCache nearCache,
    ProfileCopies profiles,
    RevocationReplica revocations,
    CurrentIssuerRules rules,
    IMeterFactory meterFactory)
{
    private readonly Counter<long> _probes = meterFactory.Create(AuthCacheMetrics.MeterName).CreateCounter<long>(
        "authcache.grain_probes",
        description: "Token grains this API host asked whether they were at work because their answer was slow, by "
            + "answer (validating=true: a live silo, worth waiting for).");

    /// <summary>The copies' versions, read before a grain is asked and handed back to <see cref="Accept"/>.</summary>
    public CopyVersion Version => new(nearCache.Version, profiles.Version);

    /// <summary>The grain call as a task, also when the client fails it before sending (not connected yet).</summary>
    public Task<TokenValidationOutcome> Call(string token, string hash)
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

    /// <summary>
    /// Whether the token's grain is at work on a call (an interleaved question its silo answers at once while it is
    /// alive); false when the call fails.
    /// </summary>
    public async Task<bool> IsValidatingAsync(string hash)
    {
        try
        {
            var validating = await grainFactory.GetGrain<ITokenValidationGrain>(hash).IsValidatingAsync();
            _probes.Add(1, new KeyValuePair<string, object?>("validating", validating));
            return validating;
        }
        catch (Exception ex) when (IsClusterFailure(ex))
        {
            return false;
        }
    }

    /// <summary>
    /// A grain's answer, checked against this host's rules and revocations, and copied into the near cache (with its
    /// profile) when <paramref name="useNearCache"/> says so.
    /// </summary>
    public TokenValidationOutcome Accept(
        TokenValidationOutcome answer, string hash, bool useNearCache, CopyVersion version)
    {
        var checkedAnswer = CheckRevocations(CheckRules(answer), hash);
        if (useNearCache && checkedAnswer.IsValid && nearCache.Add(hash, checkedAnswer, version.Tokens) is { } until)
        {
            profiles.Add(checkedAnswer, until, version.Profiles);
        }

        return checkedAnswer;
    }

    /// <summary>An answer, refused when its token, session or subject is revoked.</summary>
    public TokenValidationOutcome CheckRevocations(TokenValidationOutcome result, string hash)
    {
        if (!result.IsValid || !revocations.IsRevoked(RevocationCandidate.From(hash, result)))
        {
            return result;
        }

        revocationMetrics.Rejected(RevocationCheckPath.Local);
        return TokenValidationOutcome.Failure(AuthFailureReason.Revoked);
    }

    /// <summary>Anything between here and the grain that went wrong, but not the caller giving up.</summary>
    public static bool IsClusterFailure(Exception ex) =>
        ex is not OperationCanceledException
        || ex is TaskCanceledException { CancellationToken.IsCancellationRequested: false };

    /// <summary>The grain validated with its silo's options; this host accepts only what its rules accept.</summary>
    private TokenValidationOutcome CheckRules(TokenValidationOutcome answer)
    {
        if (rules.Current.Refuses(answer, clock.UtcNow) is not { } reason)
        {
            return answer;
        }

        metrics.RefusedByIssuerRules(reason);
        return TokenValidationOutcome.Failure(reason);
    }
}

/// <summary>The versions of the token and profile copies, read before a grain is asked.</summary>
internal readonly record struct CopyVersion(long Tokens, long Profiles);
