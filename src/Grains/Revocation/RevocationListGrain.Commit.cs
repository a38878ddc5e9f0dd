using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Revocation;

internal sealed partial class RevocationListGrain
{
    /// <summary>
    /// The one writer: takes what has queued, commits it as one batch (an invalidation alone), and goes on while
    /// more has queued meanwhile.
    /// </summary>
    private async Task WriteAsync()
    {
        while (_pending.Count > 0)
        {
            var end = _pending[0] is Invalidation ? 1
                : _pending.FindIndex(c => c is Invalidation) is var next and >= 0 ? next
                : _pending.Count;
            var batch = _pending.GetRange(0, end);
            _pending.RemoveRange(0, end);
            try
            {
                await CommitAsync(batch);
            }
            catch (Exception ex)
            {
                foreach (var change in batch)
                {
                    change.Fail(ex);
                }
            }
        }
    }

    /// <summary>
    /// Writes the batch, then applies it and notifies the subscribers: a subscription that interleaves sees a version
    /// and the records it covers together, and never a record that is not durable yet (or given up as not persisted).
    /// </summary>
    private async Task CommitAsync(List<Change> batch)
    {
        var now = Clock.UtcNow;
        var policy = Policy;
        _records.PruneDue(now, policy);
        var added = new List<RevocationRecord>();
        foreach (var change in batch)
        {
            switch (change)
            {
                case Revocation revocation:
                    added.Add(revocation.Record);
                    break;
                case GivenBack givenBack:
                    added.AddRange(givenBack.Records.Where(r =>
                        StoredRevocations.IsWellFormed(r, now) && policy.IsActive(r, now) && !_records.Contains(r)));
                    break;
            }
        }

        if (added.Count == 0 && batch.All(c => c is GivenBack))
        {
            foreach (var change in batch)
            {
                change.Complete(null);
            }

            return;
        }

        var written = _unpersisted.Count == 0 ? added.Distinct().ToList() : [.. _unpersisted.Concat(added).Distinct()];
        var persisted = await AppendAsync(new RevocationSegment(_epoch, _version + 1, written), now);
        _unpersisted = persisted ? [] : written;

        var learned = new List<RevocationRecord>();
        var restored = 0;
        foreach (var change in batch)
        {
            switch (change)
            {
                case Revocation revocation:
                    _records.Add(revocation.Record);
                    var revoked = revocation.Record;
                    revocation.Kept = _records.Find(revoked.Kind, revoked.Issuer, revoked.Value)!;
                    learned.Add(revocation.Kept);
                    break;
                case GivenBack givenBack:
                    foreach (var record in givenBack.Records.Where(
                        r => StoredRevocations.IsWellFormed(r, now) && policy.IsActive(r, now) && _records.Add(r)))
                    {
                        learned.Add(record);
                        restored++;
                    }

                    break;
            }
        }

        if (restored > 0)
        {
            LogGivenBack(Logger, restored);
        }

        var version = ++_version;
        _recent.Add(version, learned, batch is [Invalidation published] ? published.Value : null);
        var snapshot = Membership.CurrentSnapshot;
        var hosts = _subscribers.Expire(silo => snapshot.GetSiloStatus(silo) == SiloStatus.Dead);
        var epoch = _epoch;
        Dropped dropped;
        if (batch is [Invalidation invalidation])
        {
            var value = invalidation.Value;
            var answers = await _subscribers.NotifyAsync(
                observer => observer.OnInvalidatedAsync(value, epoch, version),
                value is CacheCleared ? CleanupNotifyTimeout : NotifyTimeout,
                silosFirst: true);
            dropped = new Dropped(
                answers.Keys.ToHashSet(StringComparer.Ordinal),
                answers.Values.Sum(a => a.DroppedValidations),
                answers.Values.Sum(a => a.DroppedProfiles));
        }
        else
        {
            var answers = await _subscribers.NotifyAsync(
                observer => observer.OnRevokedAsync(learned, epoch, version), NotifyTimeout, silosFirst: false);
            dropped = new Dropped(answers.Keys.ToHashSet(StringComparer.Ordinal), answers.Values.Sum(), 0);
        }

        // The next batch is notified meanwhile: only the wait for subscribers that still have to catch up overlaps.
        _ = ConfirmAsync(batch, version, hosts, dropped, persisted);

        if (_segments.TryPeek(out var oldest) && IsCompactable(oldest, now, policy))
        {
            _ = CompactAsync();
        }
    }

    private async Task ConfirmAsync(
        List<Change> batch, long version, List<string> hosts, Dropped dropped, bool persisted)
    {
        try
        {
            var confirmations = await _subscribers.WaitForConfirmationsAsync(version, ActiveSilos, hosts, dropped.By);
            var outcome = new Commit(new Delivery(dropped, confirmations), persisted, _records.Count);
            foreach (var change in batch)
            {
                change.Complete(outcome);
            }
        }
        catch (Exception ex)
        {
            foreach (var change in batch)
            {
                change.Fail(ex);
            }
        }
    }

    private IEnumerable<string> ActiveSilos() => Membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active)
        .Select(m => RevocationSubscriber.ForSilo(m.SiloAddress).Name);
}
