namespace AuthCache.GrainInterfaces;

/// <summary>What a <see cref="CacheInvalidation"/> takes back.</summary>
[GenerateSerializer, Alias("AuthCache.CacheInvalidationKind")]
public enum CacheInvalidationKind
{
    /// <summary>Signing keys left the issuer's key set (or the issuer left the configuration).</summary>
    KeysRetired = 0,

    /// <summary>An operator's cleanup.</summary>
    CacheCleared = 1,

    /// <summary>A user's profile changed at the identity provider (a Clerk <c>user.updated</c> or <c>user.deleted</c> webhook).</summary>
    ProfileEvicted = 2,
}
