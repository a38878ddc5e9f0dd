using System.Collections.Concurrent;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace AuthCache.Core.Caching;

/// <summary>
/// This process's copy of valid answers its token grains gave, keyed by token hash (never the token), so a repeated
/// token costs a hash and a lookup instead of a grain call. The grains stay the cluster-wide truth: a copy lives at
/// most until the grain's own <see cref="TokenValidationResult.CachedUntil"/> and <see cref="NearCacheOptions.MaxAge"/>,
/// and every change that can take a valid answer back (a revocation learned by this process's silo, a cleanup, new
/// options) calls <see cref="Invalidate"/>, which drops every copy at once. Copies are only trustworthy where those
/// changes are seen: the resolver uses this cache only in a process that hosts a silo.
/// </summary>
public sealed class TokenNearCache : IDisposable
{
    // A full cache is swept for expired copies at most this often, so a cache full of live copies costs no scan per miss.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<AuthCacheOptions> _options;
    private readonly AuthCacheClock _clock;
    private readonly IDisposable? _optionsChange;
    private long _generation;
    private long _lastSweepTicks;

    public TokenNearCache(IOptionsMonitor<AuthCacheOptions> options, AuthCacheClock clock)
    {
        _options = options;
        _clock = clock;
        _optionsChange = options.OnChange(_ => Invalidate());
    }

    /// <summary>Advances with every <see cref="Invalidate"/>; read before asking a grain, handed back to <see cref="Add"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public int Count => _entries.Count;

    public bool Enabled => _options.CurrentValue.NearCache.Enabled;

    public bool TryGet(string tokenHash, out TokenValidationResult result)
    {
        if (_entries.TryGetValue(tokenHash, out var entry))
        {
            if (entry.Generation == Generation && _clock.UtcNow < entry.Until)
            {
                result = entry.Result;
                return true;
            }

            _entries.TryRemove(new KeyValuePair<string, Entry>(tokenHash, entry));
        }

        result = null!;
        return false;
    }

    /// <summary>
    /// Copies a grain's cached answer. <paramref name="generation"/> is <see cref="Generation"/> as read before the
    /// grain was asked: an invalidation since then means the answer may already be stale, so it is not copied.
    /// </summary>
    public void Add(string tokenHash, TokenValidationResult result, long generation)
    {
        var settings = _options.CurrentValue.NearCache;
        if (!settings.Enabled || !result.IsValid || result.CachedUntil is not { } cachedUntil || generation != Generation)
        {
            return;
        }

        var now = _clock.UtcNow;
        var until = cachedUntil < now + settings.MaxAge ? cachedUntil : now + settings.MaxAge;
        if (until <= now || !HasRoom(now, settings.MaxEntries))
        {
            return;
        }

        _entries[tokenHash] = new Entry(result.FromCache ? result : result with { FromCache = true }, until, generation);
    }

    /// <summary>Drops every copy; copies being added from answers obtained before this call are refused.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>Drops the copies that have expired or were invalidated.</summary>
    public void SweepExpired(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _lastSweepTicks, now.UtcTicks);
        var generation = Generation;
        foreach (var (hash, entry) in _entries)
        {
            if (now >= entry.Until || entry.Generation != generation)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(hash, entry));
            }
        }
    }

    public void Dispose() => _optionsChange?.Dispose();

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

    private sealed record Entry(TokenValidationResult Result, DateTimeOffset Until, long Generation);
}
