using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AuthCache.AspNetCore.Caching.Internals;
using AuthCache.AspNetCore.Revocation;
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
/// </summary>
internal sealed partial class TokenNearCache : IRevocationReplicaListener, IDisposable
{
    // A full cache is swept for expired copies at most this often, so a cache full of live copies costs no scan per
    // miss.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, NearCacheCopy> _entries = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<AuthCacheOptions> _options;
    private readonly AuthCacheClock _clock;
    private readonly RevocationReplica _revocations;
    private readonly IDisposable? _optionsChange;
    private readonly IDisposable _replicaChange;
    private long _generation;
    private long _version;
    private long _lastSweepTicks;

    public TokenNearCache(
        IOptionsMonitor<AuthCacheOptions> options,
        AuthCacheClock clock,
        RevocationReplica revocations,
        IMeterFactory meterFactory)
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
    /// A valid, unrevoked copy, for a resolution that did not check the revocation copy's freshness: none while the
    /// copy is older than <see cref="RevocationOptions.MaxReplicaLag"/>.
    /// </summary>
    public bool TryGet(string tokenHash, out TokenValidationOutcome result, out bool refresh) =>
        TryGet(tokenHash, default, out result, out refresh);

    /// <summary>
    /// A valid, unrevoked copy; none while the revocation replica is not confirmed in sync, nor while it is older than
    /// <see cref="RevocationOptions.MaxReplicaLag"/> unless <paramref name="replica"/> says the resolution accepted
    /// that lag (<see cref="ReplicaFreshness"/>). <paramref name="refresh"/> is true for the one hit that should ask
    /// the grain again in the background (the copy is near its end).
    /// </summary>
    public bool TryGet(string tokenHash, ReplicaCheck replica, out TokenValidationOutcome result, out bool refresh)
    {
        refresh = false;
        if (Trusted(replica) && _entries.TryGetValue(tokenHash, out var entry))
        {
            var now = _clock.UtcNow;
            if (entry.Generation == Interlocked.Read(ref _generation) && now < entry.Until
                && !_revocations.IsRevoked(entry.Candidate, ref entry.CheckedVersion))
            {
                refresh = now >= entry.RefreshAt && Interlocked.Exchange(ref entry.RefreshClaimed, 1) == 0;
                result = entry.Result;
                return true;
            }

            _entries.TryRemove(new KeyValuePair<string, NearCacheCopy>(tokenHash, entry));
        }

        result = null!;
        return false;
    }

    /// <summary>
    /// Copies a grain's cached answer, replacing an older copy of the token. <paramref name="version"/> is
    /// <see cref="Version"/> as read before the grain was asked: an invalidation or a profile eviction since then
    /// means the answer may already be stale, so it is not copied. Returns until when the copy lives, null when the
    /// answer was not copied.
    /// </summary>
    public DateTimeOffset? Add(string tokenHash, TokenValidationOutcome result, long version)
    {
        var settings = _options.CurrentValue.NearCache;
        var generation = Interlocked.Read(ref _generation);
        if (!settings.Enabled || !result.IsValid || result.CachedUntil is not { } cachedUntil || version != Version)
        {
            return null;
        }

        var now = _clock.UtcNow;
        var oldest = now + settings.MaxAge;
        var until = cachedUntil < oldest ? cachedUntil : oldest;
        if (until <= now || !HasRoom(now, settings.MaxEntries))
        {
            return null;
        }

        var refreshAt = cachedUntil > oldest && settings.EagerRefreshThreshold is { } threshold
            ? now + settings.MaxAge * threshold
            : DateTimeOffset.MaxValue;
        var copy = result.FromCache ? result : result with { FromCache = true };
        var entry = new NearCacheCopy(copy, RevocationCandidate.From(tokenHash, result), until, refreshAt, generation);
        _entries[tokenHash] = entry;

        // An eviction between the check above and the insert has not seen this copy.
        if (version != Version)
        {
            _entries.TryRemove(new KeyValuePair<string, NearCacheCopy>(tokenHash, entry));
            return null;
        }

        return until;
    }
}
