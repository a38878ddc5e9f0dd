namespace AuthCache.Core.Options;

/// <summary>
/// The API host's near cache (<c>AuthCache:NearCache</c>): a process-local copy of the answers its token grains
/// gave, so a repeated token costs a hash and a lookup instead of a grain call. Used only where this process hosts a
/// silo, whose revocation copy and cleanup invalidate it at once.
/// </summary>
public sealed class NearCacheOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Entries kept at most; past it new answers are not copied (the grains still cache them).</summary>
    public int MaxEntries { get; set; } = 50_000;

    /// <summary>
    /// How long a copy is trusted without asking its grain again, however long the grain keeps it: bounds what any
    /// change the invalidation does not see (a grain dropped on another silo) can cost.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(30);
}
