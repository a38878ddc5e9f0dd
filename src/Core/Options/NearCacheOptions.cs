namespace AuthCache.Core.Options;

/// <summary>
/// The API host's near cache (<c>AuthCache:NearCache</c>): a process-local copy of the answers its token grains
/// gave, so a repeated token costs a hash and a lookup instead of a grain call. Every API host keeps one, with or
/// without a silo of its own: its revocation replica and the cluster's invalidations reach it at once.
/// </summary>
public sealed class NearCacheOptions
{
    /// <summary>Off: every request whose token is not in the request cache asks its token grain.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Entries kept at most; past it new answers are not copied (the grains still cache them).</summary>
    public int MaxEntries { get; set; } = 50_000;

    /// <summary>
    /// How long a copy is trusted without asking its grain again, however long the grain keeps it: bounds what any
    /// change the invalidation does not see (a grain dropped on another silo) can cost.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The share of <see cref="MaxAge"/> after which a request answered by a copy also asks the token's grain again
    /// in the background, so a token in steady use never waits for a grain call once it is cached. Only a copy cut
    /// short by <see cref="MaxAge"/> is refreshed (one the grain itself drops sooner ends with it). Null turns it
    /// off; otherwise above 0 and below 1.
    /// </summary>
    public double? EagerRefreshThreshold { get; set; } = 0.8;
}
