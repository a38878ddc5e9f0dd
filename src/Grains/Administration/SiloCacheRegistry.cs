namespace AuthCache.Grains.Administration;

/// <summary>The cached validations and profiles of this silo (one instance per silo).</summary>
internal sealed class SiloCacheRegistry
{
    public CacheEntryTable Tokens { get; } = new();

    public CacheEntryTable Profiles { get; } = new();
}
