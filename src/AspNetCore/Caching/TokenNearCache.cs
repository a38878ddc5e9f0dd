using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Caching;

/// <summary>
/// This process's copy of valid answers its token grains gave, keyed by token hash (never the token), so a repeated
/// token costs a hash and a lookup instead of a grain call. The grains stay the cluster-wide truth, and a copy
/// answers to everything that takes trust back:
/// <list type="bullet">
/// <item>this host's issuer rules: only answers they accepted are copied (the resolver checks a grain's answer before
/// copying it), and new options drop every copy, so a hit costs no check of its own;</item>
/// <item>a revocation: every hit checks the process's <see cref="RevocationReplica"/> (one volatile read while it has
/// not changed), and while the replica is not confirmed in sync with the cluster no copy answers at all;</item>
/// <item>retired signing keys, a cleanup, a resynchronisation of the replica after a gap, new options: every copy is
/// dropped (rare events; the next request of each token asks its grain again);</item>
/// <item>a profile eviction: that user's copies are dropped, and answers asked for before it are not copied;</item>
/// <item>time: a copy lives at most until the grain's <see cref="TokenValidationOutcome.CachedUntil"/> and
/// <see cref="NearCacheOptions.MaxAge"/>. A copy in use past <see cref="NearCacheOptions.EagerRefreshThreshold"/> of
/// its age is asked of its grain again by one of its hits, in the background; the grain's answer replaces it (or
/// drops it when the grain no longer finds the token valid), so no copy is older than MaxAge and a busy token does
/// not wait for its grain each time its copy ends.</item>
/// </list>
/// Beside the copies it keeps the profile each user's latest copy carried, for as long as that copy may live, so an
/// answer this host gives itself (a hedge, a fallback) names the same profile the grain would have, instead of none.
/// A profile copy answers to the same invalidations as the copies, its user's profile eviction included.
/// </summary>
internal sealed class TokenNearCache : IRevocationReplicaListener, IDisposable
{
    // A full cache is swept for expired copies at most this often, so a cache full of live copies costs no scan per miss.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<UserKey, ProfileCopy> _profiles = new();
    private readonly IOptionsMonitor<AuthCacheOptions> _options;
    private readonly AuthCacheClock _clock;
    private readonly RevocationReplica _revocations;
    private readonly IDisposable? _optionsChange;
    private readonly IDisposable _replicaChange;
    private long _generation;
    private long _version;
    private long _lastSweepTicks;

    public TokenNearCache(IOptionsMonitor<AuthCacheOptions> options, AuthCacheClock clock, RevocationReplica revocations, IMeterFactory meterFactory)
    {
        _options = options;
        _clock = clock;
        _revocations = revocations;
        _optionsChange = options.OnChange(_ => Invalidate());
        _replicaChange = revocations.Subscribe(this);
        meterFactory.Create(AuthCacheMetrics.MeterName).CreateObservableGauge(
            "authcache.near_cache.entries",
            () => _entries.Count,
            description: "Copies of grain answers this API host's near cache holds.");
    }

    /// <summary>
    /// Advances with every <see cref="Invalidate"/> and every drop of a user's copies; read before asking a grain,
    /// handed back to <see cref="Add"/>.
    /// </summary>
    public long Version => Interlocked.Read(ref _version);

    public int Count => _entries.Count;

    public bool Enabled => _options.CurrentValue.NearCache.Enabled;

    /// <summary>
    /// A valid, unrevoked copy; none while the revocation replica is not confirmed in sync. <paramref name="refresh"/>
    /// is true for the one hit that should ask the grain again in the background (the copy is near its end).
    /// </summary>
    public bool TryGet(string tokenHash, out TokenValidationOutcome result, out bool refresh)
    {
        refresh = false;
        if (_revocations.IsCurrent && _entries.TryGetValue(tokenHash, out var entry))
        {
            var now = _clock.UtcNow;
            if (entry.Generation == Interlocked.Read(ref _generation) && now < entry.Until && !_revocations.IsRevoked(entry.Candidate, ref entry.CheckedVersion))
            {
                refresh = now >= entry.RefreshAt && Interlocked.Exchange(ref entry.RefreshClaimed, 1) == 0;
                result = entry.Result;
                return true;
            }

            _entries.TryRemove(new KeyValuePair<string, Entry>(tokenHash, entry));
        }

        result = null!;
        return false;
    }

    /// <summary>
    /// Copies a grain's cached answer, replacing an older copy of the token. <paramref name="version"/> is
    /// <see cref="Version"/> as read before the grain was asked: an invalidation or a profile eviction since then
    /// means the answer may already be stale, so it is not copied.
    /// </summary>
    public void Add(string tokenHash, TokenValidationOutcome result, long version)
    {
        var settings = _options.CurrentValue.NearCache;
        var generation = Interlocked.Read(ref _generation);
        if (!settings.Enabled || !result.IsValid || result.CachedUntil is not { } cachedUntil || version != Version)
        {
            return;
        }

        var now = _clock.UtcNow;
        var oldest = now + settings.MaxAge;
        var until = cachedUntil < oldest ? cachedUntil : oldest;
        if (until <= now || !HasRoom(now, settings.MaxEntries))
        {
            return;
        }

        var refreshAt = cachedUntil > oldest && settings.EagerRefreshThreshold is { } threshold
            ? now + settings.MaxAge * threshold
            : DateTimeOffset.MaxValue;
        var entry = new Entry(result.FromCache ? result : result with { FromCache = true }, RevocationCandidate.From(tokenHash, result), until, refreshAt, generation);
        _entries[tokenHash] = entry;
        var profile = AddProfile(result, until, generation, settings.MaxEntries);

        // An eviction between the check above and the insert has not seen this copy.
        if (version != Version)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(tokenHash, entry));
            if (profile is not null)
            {
                _profiles.TryRemove(new KeyValuePair<UserKey, ProfileCopy>(profile.Value.Key, profile.Value.Copy));
            }
        }
    }

    /// <summary>
    /// <paramref name="answer"/> with the profile of its user's latest copy, when the answer has none and this cache
    /// holds one that is still current: an answer validated here names the profile its grain would have.
    /// </summary>
    public TokenValidationOutcome WithHeldProfile(TokenValidationOutcome answer)
    {
        if (!answer.IsValid || answer.Profile is not null || answer.Issuer is null || answer.Subject is null
            || !_profiles.TryGetValue(new UserKey(answer.Issuer, answer.Subject), out var copy))
        {
            return answer;
        }

        return copy.Generation == Interlocked.Read(ref _generation) && _clock.UtcNow < copy.Until
            ? answer with { Profile = copy.Profile }
            : answer;
    }

    /// <summary>Drops the token's copy: its grain no longer finds the token valid.</summary>
    public void Remove(string tokenHash) => _entries.TryRemove(tokenHash, out _);

    /// <summary>Drops every copy; copies being added from answers obtained before this call are refused.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _version);
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        _profiles.Clear();
    }

    /// <summary>Drops the copies that have expired or were invalidated.</summary>
    public void SweepExpired(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _lastSweepTicks, now.UtcTicks);
        var generation = Interlocked.Read(ref _generation);
        RemoveWhere(entry => now >= entry.Until || entry.Generation != generation);
        RemoveProfilesWhere((_, copy) => now >= copy.Until || copy.Generation != generation);
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

    public void Dispose()
    {
        _optionsChange?.Dispose();
        _replicaChange.Dispose();
    }

    /// <summary>
    /// The copies that carry the user's evicted profile: the next request of those tokens asks the grain, which reads
    /// the profile again. Other users' copies stay, so a busy stream of profile webhooks does not empty the cache.
    /// </summary>
    private void DropCopiesOf(CacheInvalidation evicted)
    {
        Interlocked.Increment(ref _version);
        RemoveWhere(entry => evicted.EvictsProfileOf(entry.Candidate.Issuer, entry.Candidate.Subject));
        RemoveProfilesWhere((user, _) => evicted.EvictsProfileOf(user.Issuer, user.Subject));
    }

    /// <summary>
    /// Keeps the answer's profile as its user's, until <paramref name="until"/> (that of the copy carrying it), within
    /// the cache's bound; returns what it stored so a refused copy can take it back.
    /// </summary>
    private (UserKey Key, ProfileCopy Copy)? AddProfile(TokenValidationOutcome answer, DateTimeOffset until, long generation, int maxEntries)
    {
        if (answer.Profile is not { } profile || answer.Issuer is null || answer.Subject is null)
        {
            return null;
        }

        var key = new UserKey(answer.Issuer, answer.Subject);
        if (_profiles.Count >= maxEntries && !_profiles.ContainsKey(key))
        {
            return null;
        }

        var copy = new ProfileCopy(profile, until, generation);
        _profiles[key] = copy;
        return (key, copy);
    }

    private void RemoveProfilesWhere(Func<UserKey, ProfileCopy, bool> match)
    {
        foreach (var (user, copy) in _profiles)
        {
            if (match(user, copy))
            {
                _profiles.TryRemove(new KeyValuePair<UserKey, ProfileCopy>(user, copy));
            }
        }
    }

    /// <summary>Removes the matching copies; one replaced meanwhile by a newer copy of the same token stays.</summary>
    private void RemoveWhere(Func<Entry, bool> match)
    {
        foreach (var (hash, entry) in _entries)
        {
            if (match(entry))
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(hash, entry));
            }
        }
    }

    /// <summary>Below <paramref name="maxEntries"/>, after sweeping a full cache (at most once per <see cref="SweepInterval"/>).</summary>
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

    private readonly record struct UserKey(string Issuer, string Subject);

    private sealed record ProfileCopy(UserProfile Profile, DateTimeOffset Until, long Generation);

    private sealed class Entry(TokenValidationOutcome result, RevocationCandidate candidate, DateTimeOffset until, DateTimeOffset refreshAt, long generation)
    {
        /// <summary>The replica version this copy was last found unrevoked at.</summary>
        public long CheckedVersion = -1;

        /// <summary>1 once a hit has been told to refresh this copy; a copy is refreshed at most once.</summary>
        public int RefreshClaimed;

        public TokenValidationOutcome Result { get; } = result;

        public RevocationCandidate Candidate { get; } = candidate;

        public DateTimeOffset Until { get; } = until;

        /// <summary>From when a hit asks the grain again; <see cref="DateTimeOffset.MaxValue"/> for a copy that ends with its grain's.</summary>
        public DateTimeOffset RefreshAt { get; } = refreshAt;

        public long Generation { get; } = generation;
    }
}
