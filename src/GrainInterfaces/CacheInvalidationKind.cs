namespace AuthCache.GrainInterfaces;

/// <summary>What a <see cref="CacheInvalidation"/> takes back.</summary>
[GenerateSerializer, Alias("AuthCache.CacheInvalidationKind")]
public enum CacheInvalidationKind
{
    /// <summary>Signing keys left the issuer's key set (or the issuer left the configuration).</summary>
    KeysRetired = 0,

    /// <summary>An operator's cleanup.</summary>
    CacheCleared = 1,
}
