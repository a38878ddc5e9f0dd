namespace AuthCache.GrainInterfaces;

/// <summary>
/// The user profile of one subject of one issuer from the identity provider's user API, cached for the profile TTL.
/// Keyed by issuer and subject (<c>UserProfileKey</c>); only the issuer whose users the configured secret key reads
/// ever gets one.
/// </summary>
[Alias("AuthCache.IUserProfileGrain")]
public interface IUserProfileGrain : IGrainWithStringKey
{
    /// <summary>
    /// The profile, or null when it cannot be had (profiles off, another issuer, upstream failure, unknown user).
    /// </summary>
    [Alias("GetProfile")]
    Task<UserProfile?> GetProfileAsync();

    /// <summary>
    /// Drops the cached profile when <paramref name="scope"/> covers it (an expired profile is one past its
    /// TTL) and lets the activation go. Returns whether a profile was dropped.
    /// </summary>
    [Alias("Evict"), SiloOnly]
    Task<bool> EvictAsync(CacheEvictionScope scope);
}
