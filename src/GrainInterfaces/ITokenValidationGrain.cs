using Orleans.Concurrency;

namespace AuthCache.GrainInterfaces;

/// <summary>
/// The validation of one token, keyed by the base64url SHA-256 of the token (never the token itself). A valid
/// result is kept until min(token cache TTL, token expiry); a failure is never kept.
/// </summary>
[Alias("AuthCache.ITokenValidationGrain")]
public interface ITokenValidationGrain : IGrainWithStringKey
{
    /// <param name="token">The raw token, used to validate on a miss; never stored or logged.</param>
    [Alias("Validate")]
    Task<TokenValidationOutcome> ValidateAsync(string token);

    /// <summary>
    /// Drops the cached result when <paramref name="scope"/> covers it and lets the activation go. Returns
    /// whether a cached result was dropped.
    /// </summary>
    [Alias("Evict"), SiloOnly]
    Task<bool> EvictAsync(CacheEvictionScope scope);

    /// <summary>
    /// Whether this activation is working on a call right now (validating, fetching keys or a profile). Interleaved, so
    /// a busy activation answers at once: an API host whose call is slow asks it to tell a slow grain on a live silo
    /// (worth waiting for) from a lost silo (answered without it). An activation this call creates is idle.
    /// </summary>
    [Alias("IsValidating"), AlwaysInterleave]
    Task<bool> IsValidatingAsync();
}
