namespace AuthCache.Core.Options;

/// <summary>
/// Memory-based activation shedding on every silo (<c>AuthCache:MemoryShedding</c>, Orleans'
/// <c>GrainCollectionOptions</c>): when the managed heap passes <see cref="LimitPercentage"/> of the memory the .NET
/// GC may use, Orleans deactivates the least recently used activations until it is back under
/// <see cref="TargetPercentage"/>. Nearly all activations are token grains, so the cache shrinks instead of the silo
/// running out of memory, and a shed token is simply validated again on its next request. In a container the GC's
/// limit is 75 % of the memory limit (its heap hard limit), so the defaults shed at 60 % of the container's limit.
/// <see cref="AuthCacheOptions.MaxCachedTokens"/> still bounds the count; this bounds the bytes, whatever the
/// tokens weigh.
/// </summary>
public sealed class MemorySheddingOptions
{
    /// <summary>
    /// Off: activations are shed only when idle, whatever the heap, and <see cref="AuthCacheOptions.MaxCachedTokens"/>
    /// alone bounds the cache.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Managed heap, in percent of the GC's memory limit, at which activations start being shed.</summary>
    public double LimitPercentage { get; set; } = 80;

    /// <summary>Where a shedding round aims to bring the heap back to; below <see cref="LimitPercentage"/>.</summary>
    public double TargetPercentage { get; set; } = 70;

    /// <summary>How often the silo compares its heap with the limit.</summary>
    public TimeSpan PollingPeriod { get; set; } = TimeSpan.FromSeconds(5);
}
