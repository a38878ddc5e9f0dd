using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Caching;

/// <summary>Where a token's answer came from on this request.</summary>
public enum TokenResolutionSource
{
    /// <summary>Rejected by the precheck: no hash computed, no grain called.</summary>
    Precheck,

    /// <summary>Answered by the token's grain (cached there or validated there).</summary>
    Cluster,

    /// <summary>Answered by this process's copy of what the token's grain answered before: no grain call.</summary>
    NearCache,

    /// <summary>Validated in this process by the direct scheme.</summary>
    Direct,

    /// <summary>
    /// Validated in this process because the cluster failed or did not answer within <c>GrainCallTimeout</c>.
    /// </summary>
    Fallback,

    /// <summary>
    /// Validated in this process with the signing keys it holds because the token's grain had not answered within
    /// <c>FallbackAfter</c>; the grain's answer, when it comes, still fills the caches.
    /// </summary>
    Hedged,

    /// <summary>
    /// Refused without a grain call or a signature check: the caller's address has used up its failed-authentication
    /// limit, and the token was not in the request or near cache.
    /// </summary>
    Limited,
}

/// <summary>
/// A token's answer on this request and where it came from, as the authentication handler receives it.
/// </summary>
/// <param name="Outcome">The answer: valid with its claims and profile, or refused with its reason.</param>
/// <param name="Source">Which step of the request path gave it.</param>
public sealed record TokenResolution(TokenValidationOutcome Outcome, TokenResolutionSource Source);
