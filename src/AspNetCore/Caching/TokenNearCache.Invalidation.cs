using AuthCache.AspNetCore.Caching.Internals;
using AuthCache.AspNetCore.Revocation;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Caching;

/// <summary>What takes a near-cache copy back before its time: expiry sweeps and the replica's invalidations.</summary>
internal sealed partial class TokenNearCache
{
    /// <summary>Drops the token's copy: its grain no longer finds the token valid.</summary>
    public void Remove(string tokenHash) => _entries.TryRemove(tokenHash, out _);

    /// <summary>Drops every copy; copies being added from answers obtained before this call are refused.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _version);
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    public void Dispose()
    {
        _optionsChange?.Dispose();
        _replicaChange.Dispose();
    }

    /// <summary>
    /// Whether the revocation copy may vouch for copies: in sync, and confirmed within MaxReplicaLag or that lag
    /// accepted by the resolution's freshness check, so no path to a hit skips that check.
    /// </summary>
    private bool Trusted(ReplicaCheck replica) =>
        _revocations.IsCurrent && (replica.LagAccepted || _revocations.IsConfirmedWithin(_revocations.MaxLag));

    /// <summary>Drops the copies that have expired or were invalidated.</summary>
    public void SweepExpired(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _lastSweepTicks, now.UtcTicks);
        var generation = Interlocked.Read(ref _generation);
        RemoveWhere(entry => now >= entry.Until || entry.Generation != generation);
    }

    public ValueTask<int> OnReplicaChangedAsync(ReplicaChange change)
    {
        switch (change)
        {
            case InvalidationReceived { Invalidation: CacheCleared { Scope: CacheEvictionScope.Expired } }:
                SweepExpired(_clock.UtcNow);
                break;
            case InvalidationReceived { Invalidation: ProfileEvicted evicted }:
                DropCopiesOf(evicted);
                break;
            case InvalidationReceived or ReplicaResynchronised:
                Invalidate();
                break;
        }

        // Revocations need nothing here: every hit checks the replica. Copies are not cached validations of a silo.
        return ValueTask.FromResult(0);
    }

    /// <summary>
    /// The copies that carry the user's evicted profile: the next request of those tokens asks the grain, which reads
    /// the profile again. Other users' copies stay, so a busy stream of profile webhooks does not empty the cache.
    /// </summary>
    private void DropCopiesOf(CacheInvalidation evicted)
    {
        Interlocked.Increment(ref _version);
        RemoveWhere(entry => evicted.EvictsProfileOf(entry.Candidate.Issuer, entry.Candidate.Subject));
    }

    /// <summary>Removes the matching copies; one replaced meanwhile by a newer copy of the same token stays.</summary>
    private void RemoveWhere(Func<NearCacheCopy, bool> match)
    {
        foreach (var (hash, entry) in _entries)
        {
            if (match(entry))
            {
                _entries.TryRemove(new KeyValuePair<string, NearCacheCopy>(hash, entry));
            }
        }
    }

    /// <summary>
    /// Below <paramref name="maxEntries"/>, after sweeping a full cache (at most once per <see cref="SweepInterval"/>).
    /// </summary>
    private bool HasRoom(DateTimeOffset now, int maxEntries)
    {
        if (_entries.Count < maxEntries)
        {
            return true;
        }

        if (now.UtcTicks - Interlocked.Read(ref _lastSweepTicks) >= SweepInterval.Ticks)
        {
            SweepExpired(now);
        }

        return _entries.Count < maxEntries;
    }
}
