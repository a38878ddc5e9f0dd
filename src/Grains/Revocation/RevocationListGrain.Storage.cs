using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Orleans.Storage;

namespace AuthCache.Grains.Revocation;

internal sealed partial class RevocationListGrain
{
    /// <summary>
    /// Reads the segments from the header's first on, until a number is free, and keeps their batches as the log of
    /// recent ones; a segment that fails the checks is not believed (and goes at the next compaction).
    /// </summary>
    private async Task ReadSegmentsAsync(DateTimeOffset now, RevocationPolicy policy)
    {
        while (true)
        {
            var (segment, exists, etag) = await _log.ReadAsync(_nextSegment);
            if (!exists)
            {
                return;
            }

            _segments.Enqueue(new StoredSegment(_nextSegment, Adopt(segment, _nextSegment, now, policy), etag));
            if (StoredRevocations.IsWellFormed(segment, now) && segment!.Epoch == _epoch)
            {
                // The log of recent batches starts from what is stored, so copies a few versions behind still get a
                // delta after the list moved. A version missing between segments (an invalidation, which is not stored)
                // makes the log start after it.
                _recent.Add(segment.Version, segment.Records, null);
            }

            _nextSegment++;
        }
    }

    /// <summary>
    /// Applies a stored segment's records; returns its newest revocation time (the least when none is
    /// believed).
    /// </summary>
    private DateTimeOffset Adopt(RevocationSegment? segment, long number, DateTimeOffset now, RevocationPolicy policy)
    {
        if (!StoredRevocations.IsWellFormed(segment, now))
        {
            LogSegmentRejected(Logger, number);
            return DateTimeOffset.MinValue;
        }

        _version = Math.Max(_version, segment!.Version);
        var newest = DateTimeOffset.MinValue;
        foreach (var record in segment.Records)
        {
            newest = record.RevokedAt > newest ? record.RevokedAt : newest;
            if (policy.IsActive(record, now))
            {
                _records.Add(record);
            }
        }

        return newest;
    }

    /// <summary>
    /// Writes the segment under the next free number. A number found taken holds a segment another activation wrote
    /// (or an earlier attempt of this one that landed after all): its records are adopted and the next number tried.
    /// A storage failure costs durability, not the revocation: it is applied everywhere either way, the caller learns
    /// it was not persisted, and its records go with the next batch.
    /// </summary>
    private async Task<bool> AppendAsync(RevocationSegment segment, DateTimeOffset now)
    {
        try
        {
            for (var attempt = 0; attempt < AppendAttempts; attempt++)
            {
                var number = _nextSegment;
                if (await _log.TryAppendAsync(number, segment) is { } etag)
                {
                    var newest = segment.Records.Count == 0 ? now : segment.Records.Max(r => r.RevokedAt);
                    _segments.Enqueue(new StoredSegment(number, newest, etag));
                    _nextSegment = number + 1;
                    return true;
                }

                var (taken, exists, takenETag) = await _log.ReadAsync(number);
                if (exists)
                {
                    _segments.Enqueue(new StoredSegment(number, Adopt(taken, number, Clock.UtcNow, Policy), takenETag));
                    _nextSegment = number + 1;
                }
            }

            throw new InconsistentStateException($"No free revocation segment after {AppendAttempts} attempts.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPersistFailed(Logger, ex.GetType().Name);
            return false;
        }
    }

    private static bool IsCompactable(StoredSegment segment, DateTimeOffset now, RevocationPolicy policy) =>
        segment.Newest + policy.LongestRetention <= now;

    /// <summary>
    /// Deletes the oldest segments once every record they could hold has expired (judged by the longest retention, so
    /// whatever issuer their records name). The header moves past them first: from then on they are never read again,
    /// so a deletion cut short leaves garbage, never a gap.
    /// </summary>
    private async Task CompactAsync()
    {
        if (_compacting)
        {
            return;
        }

        _compacting = true;
        try
        {
            var now = Clock.UtcNow;
            var policy = Policy;
            _records.PruneDue(now, policy);
            var expired = new List<StoredSegment>();
            while (_segments.TryPeek(out var oldest) && IsCompactable(oldest, now, policy))
            {
                expired.Add(_segments.Dequeue());
            }

            if (expired.Count == 0)
            {
                return;
            }

            if (!await WriteHeaderAsync(expired[^1].Number + 1))
            {
                foreach (var segment in _segments)
                {
                    expired.Add(segment);
                }

                _segments.Clear();
                foreach (var segment in expired)
                {
                    _segments.Enqueue(segment);
                }

                return;
            }

            foreach (var segment in expired)
            {
                await _log.DeleteAsync(segment.Number, segment.ETag);
            }

            LogCompacted(Logger, expired.Count, _records.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCompactionFailed(Logger, ex.GetType().Name);
        }
        finally
        {
            _compacting = false;
        }
    }

    private async Task<bool> WriteHeaderAsync(long firstSegment)
    {
        try
        {
            Header.State = new RevocationListState(_epoch, _version, [], firstSegment);
            await Header.WriteStateAsync();
            _firstSegment = firstSegment;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPersistFailed(Logger, ex.GetType().Name);
            return false;
        }
    }

    /// <summary>
    /// A segment in storage: its number, the newest revocation time in it, and the ETag to delete it
    /// with.
    /// </summary>
    private sealed record StoredSegment(long Number, DateTimeOffset Newest, string? ETag);
}
