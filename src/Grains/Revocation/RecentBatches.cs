using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// The revocation list's memory of its recent versions, so that a copy a few versions behind receives only what it
/// missed: the records and invalidations of each committed batch, in version order, with no version missing since
/// <see cref="Floor"/>. Bounded: the oldest batches go once more than <see cref="MaxRecords"/> records and
/// invalidations, or more than <see cref="MaxBytes"/> (estimated), are kept; a copy older than what remains receives
/// the whole list. Its bound is a few megabytes, whatever the size of the list.
/// </summary>
internal sealed class RecentBatches(long floor)
{
    /// <summary>Enough for a host away during 10,000 revocations to receive only those.</summary>
    public const int MaxRecords = 16_384;

    public const long MaxBytes = 4 * 1024 * 1024;

    // A record object and its list slot, beside its strings (UTF-16); the issuer string is shared with the list.
    private const int RecordOverhead = 96;

    private readonly Queue<Batch> _batches = new();
    private int _count;
    private long _bytes;

    /// <summary>
    /// The version whose successors are all kept: a copy at this version or later can be given a delta.
    /// </summary>
    public long Floor { get; private set; } = floor;

    /// <summary>The version the newest kept batch reached (<see cref="Floor"/> when none is kept).</summary>
    public long Newest { get; private set; } = floor;

    public int Count => _count;

    /// <summary>
    /// Keeps the batch that reached <paramref name="version"/>; a version that does not follow forgets the rest.
    /// </summary>
    public void Add(long version, IReadOnlyList<RevocationRecord> records, CacheInvalidation? invalidation)
    {
        if (version != Newest + 1)
        {
            Reset(version - 1);
        }

        var batch = new Batch(
            version,
            records,
            invalidation,
            records.Count + (invalidation is null ? 0 : 1),
            BytesOf(records, invalidation));
        _batches.Enqueue(batch);
        _count += batch.Count;
        _bytes += batch.Bytes;
        Newest = version;
        while (_count > MaxRecords || _bytes > MaxBytes)
        {
            var oldest = _batches.Dequeue();
            _count -= oldest.Count;
            _bytes -= oldest.Bytes;
            Floor = oldest.Version;
        }
    }

    /// <summary>Forgets every batch: only a copy at <paramref name="version"/> is covered.</summary>
    public void Reset(long version)
    {
        _batches.Clear();
        _count = 0;
        _bytes = 0;
        Floor = Newest = version;
    }

    /// <summary>
    /// What was committed after <paramref name="version"/>, or false when that is not known whole here (older than the
    /// floor, or newer than the newest batch).
    /// </summary>
    public bool TryGetSince(long version, out List<RevocationRecord> records, out List<CacheInvalidation> invalidations)
    {
        records = [];
        invalidations = [];
        if (version < Floor || version > Newest)
        {
            return false;
        }

        // Batches are in version order: skip those the copy has, then take the rest (what it lacks is what is sent).
        foreach (var batch in _batches)
        {
            if (batch.Version <= version)
            {
                continue;
            }

            records.AddRange(batch.Records);
            if (batch.Invalidation is { } invalidation)
            {
                invalidations.Add(invalidation);
            }
        }

        return true;
    }

    private static long BytesOf(IReadOnlyList<RevocationRecord> records, CacheInvalidation? invalidation)
    {
        long bytes = 0;
        foreach (var record in records)
        {
            bytes += RecordOverhead + (2L * record.Value.Length);
        }

        if (invalidation is not null)
        {
            bytes += RecordOverhead + invalidation switch
            {
                KeysRetired retired => retired.KeyIds.Sum(k => RecordOverhead + (2L * k.Length)),
                ProfileEvicted evicted => 2L * evicted.Subject.Length,
                _ => 0,
            };
        }

        return bytes;
    }

    private sealed record Batch(
        long Version,
        IReadOnlyList<RevocationRecord> Records,
        CacheInvalidation? Invalidation,
        int Count,
        long Bytes);
}
