namespace AuthCache.Grains;

/// <summary>
/// The grain storage provider name the AuthCache grains persist to (last-known-good keys, the revocation list). Hosts
/// register it: in-memory for a local silo, Redis in cluster mode.
/// </summary>
public static class AuthCacheStorage
{
    /// <summary>
    /// The name to register the grain storage under: <c>AddMemoryGrainStorage(AuthCacheStorage.Name)</c>.
    /// </summary>
    public const string Name = "AuthCacheStore";
}
