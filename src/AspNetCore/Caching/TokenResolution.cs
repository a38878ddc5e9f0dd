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

    /// <summary>Validated in this process because the cluster could not answer in time.</summary>
    Fallback,
}

public sealed record TokenResolution(TokenValidationResult Result, TokenResolutionSource Source);
