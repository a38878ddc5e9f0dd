using AuthCache.Core;
using AuthCache.Core.Options;
using Microsoft.Extensions.Options;

namespace AuthCache.Grains;

/// <summary>
/// The users whose profile the cluster evicted lately (a Clerk <c>user.updated</c> or <c>user.deleted</c> webhook),
/// as this silo heard of them. A cached validation holds a copy of its user's profile, and a copy read before an
/// eviction must not be served after it: each eviction advances <see cref="Version"/>, a token grain notes the version
/// before it reads a profile, and on every hit compares it with the current one (one volatile read). Only when it
/// moved does the grain ask <see cref="EvictedSince"/> about its own user.
/// An eviction is remembered for <c>TokenCacheTtl</c>, the longest any validation is cached, so no validation can
/// still hold a copy read before a forgotten one. Past <see cref="MaxRemembered"/> evictions the oldest are forgotten
/// by taking every copy read before them for stale: a burst of evictions costs extra profile reads, never a stale
/// answer.
/// </summary>
internal sealed class EvictedProfiles(IOptionsMonitor<AuthCacheOptions> options, AuthCacheClock clock)
{
    public const int MaxRemembered = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Issuer, string Subject), long> _versions = [];
    private readonly Queue<Eviction> _order = new();
    private long _version;
    private long _everythingReadBefore;

    /// <summary>Advances with every eviction this silo hears of.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>How many evictions are remembered.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _versions.Count;
            }
        }
    }

    public void Evicted(string issuer, string subject)
    {
        var now = clock.UtcNow;
        lock (_lock)
        {
            Forget(now - options.CurrentValue.TokenCacheTtl);
            var version = _version + 1;
            _versions[(issuer, subject)] = version;
            _order.Enqueue(new Eviction(issuer, subject, version, now));
            Volatile.Write(ref _version, version);
        }
    }

    /// <summary>
    /// Every copy read until now is stale: this silo may have missed evictions (its copy of the revocation list, which
    /// does not carry them, was replaced whole).
    /// </summary>
    public void EvictedAll()
    {
        lock (_lock)
        {
            var version = _version + 1;
            _everythingReadBefore = version;
            Volatile.Write(ref _version, version);
        }
    }

    /// <summary>
    /// Whether the profile of <paramref name="subject"/> of <paramref name="issuer"/> was evicted after a copy read at
    /// <paramref name="readAt"/> (a <see cref="Version"/> read before the profile was).
    /// </summary>
    public bool EvictedSince(long readAt, string issuer, string subject)
    {
        lock (_lock)
        {
            return readAt < _everythingReadBefore
                || (_versions.TryGetValue((issuer, subject), out var version) && version > readAt);
        }
    }

    private void Forget(DateTimeOffset olderThan)
    {
        while (_order.TryPeek(out var oldest) && (oldest.At < olderThan || _order.Count >= MaxRemembered))
        {
            _order.Dequeue();
            var key = (oldest.Issuer, oldest.Subject);

            // A later eviction of the same user is still remembered under its own version.
            if (_versions.TryGetValue(key, out var version) && version == oldest.Version)
            {
                _versions.Remove(key);
            }

            if (oldest.At >= olderThan)
            {
                _everythingReadBefore = Math.Max(_everythingReadBefore, oldest.Version);
            }
        }
    }

    private readonly record struct Eviction(string Issuer, string Subject, long Version, DateTimeOffset At);
}
