namespace AuthCache.Bench.Flood;

/// <summary>
/// The API host's memory and caches at one moment: resident set from /proc, managed heap after a full collection
/// (EventPipe), cached tokens and profiles from the admin <c>stats</c>, active grain activations and Orleans'
/// grain directory cache entries from <c>/metrics</c>.
/// A figure that could not be read is null, with the reason in <see cref="Unreadable"/>.
/// </summary>
public sealed record HostSnapshot(
    long WorkingSetBytes,
    long? HeapAfterFullCollectionBytes,
    long? CachedTokens,
    long? CachedTokenBytes,
    long? CachedProfiles,
    long? Activations,
    long? DirectoryCacheEntries,
    IReadOnlyList<string> Unreadable);
