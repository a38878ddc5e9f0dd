using System.Collections.Concurrent;

namespace AuthCache.Grains.Administration;

/// <summary>
/// The cached entries of one kind held by this silo's activations: which grain, until when, roughly how many
/// bytes. Updated by the grains as they cache and release; read by <see cref="SiloCacheService"/>.
/// </summary>
internal sealed class CacheEntryTable
{
    private readonly ConcurrentDictionary<GrainId, Entry> _entries = new();
    private long _count;
    private long _bytes;

    public long Count => Interlocked.Read(ref _count);

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Cached(GrainId grain, DateTimeOffset expiresAt, long bytes)
    {
        // Add or replace so that the totals change exactly once, whoever wins a race on the same grain.
        var entry = new Entry(expiresAt, bytes);
        while (true)
        {
            if (_entries.TryAdd(grain, entry))
            {
                Interlocked.Increment(ref _count);
                Interlocked.Add(ref _bytes, bytes);
                return;
            }

            if (_entries.TryGetValue(grain, out var previous) && _entries.TryUpdate(grain, entry, previous))
            {
                Interlocked.Add(ref _bytes, bytes - previous.Bytes);
                return;
            }
        }
    }

    public void Released(GrainId grain)
    {
        if (_entries.TryRemove(grain, out var entry))
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Add(ref _bytes, -entry.Bytes);
        }
    }

    /// <summary>The grains whose entries <paramref name="scope"/> covers at <paramref name="now"/>.</summary>
    public List<GrainId> Select(GrainInterfaces.CacheEvictionScope scope, DateTimeOffset now)
    {
        var selected = new List<GrainId>();
        foreach (var (grain, entry) in _entries)
        {
            if (scope == GrainInterfaces.CacheEvictionScope.All || entry.ExpiresAt <= now)
            {
                selected.Add(grain);
            }
        }

        return selected;
    }

    // A struct kept inside the dictionary's node: the table costs well under 100 bytes per cached entry.
    private readonly record struct Entry(DateTimeOffset ExpiresAt, long Bytes);
}
