using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Jwks;

/// <summary>
/// The key set of one issuer and the rules around it, shared by the JwksGrain and the local (fallback) key
/// cache: when a fetch is due, when an unknown <c>kid</c> may trigger one, and that a failed fetch never
/// replaces good keys (last-known-good).
/// </summary>
public sealed class JwksKeyState(string issuer)
{
    /// <summary>Bounds on an issuer's <c>Cache-Control: max-age</c>: shorter than the interval is honoured, within reason.</summary>
    public static readonly TimeSpan MinimumMaxAge = TimeSpan.FromMinutes(1);

    private JwksSnapshot _snapshot = new(issuer, 0, [], null, null, false, null, null);

    public string Issuer { get; } = issuer;

    public long FetchSuccesses { get; private set; }

    public long FetchFailures { get; private set; }

    public DateTimeOffset? LastUnknownKeyFetch { get; private set; }

    /// <summary>The keys with <see cref="JwksSnapshot.IsStale"/> computed for <paramref name="now"/>.</summary>
    public JwksSnapshot Current(DateTimeOffset now)
    {
        var stale = _snapshot.HasKeys && now >= _snapshot.ExpiresAt;
        return stale == _snapshot.IsStale ? _snapshot : _snapshot = _snapshot with { IsStale = stale };
    }

    public bool IsFetchDue(DateTimeOffset now) => !_snapshot.HasKeys || now >= _snapshot.ExpiresAt;

    /// <summary>An unknown key id may trigger a fetch only once per <paramref name="cooldown"/>.</summary>
    public bool MayFetchForUnknownKey(string keyId, DateTimeOffset now, TimeSpan cooldown) =>
        !_snapshot.ContainsKey(keyId) && (LastUnknownKeyFetch is not { } last || now - last >= cooldown);

    public void MarkUnknownKeyFetch(DateTimeOffset now) => LastUnknownKeyFetch = now;

    /// <summary>Applies a fetch: success replaces the keys (dropping removed ones); failure keeps them and records the error.</summary>
    public JwksSnapshot Apply(JwksFetchResult result, DateTimeOffset now, TimeSpan refreshInterval)
    {
        if (result.Succeeded)
        {
            FetchSuccesses++;
            var lifetime = result.MaxAge is { } maxAge && maxAge < refreshInterval
                ? (maxAge < MinimumMaxAge ? MinimumMaxAge : maxAge)
                : refreshInterval;
            _snapshot = new JwksSnapshot(Issuer, Math.Max(_snapshot.Version + 1, now.UtcTicks), result.Keys, now, now + lifetime, false, null, null);
        }
        else
        {
            FetchFailures++;
            _snapshot = _snapshot with { LastError = result.Error, LastErrorAt = now };
        }

        return Current(now);
    }

    /// <summary>Restores keys persisted by an earlier activation.</summary>
    public void Restore(JwksSnapshot snapshot) => _snapshot = snapshot;

    public JwksStatus ToStatus(DateTimeOffset now)
    {
        var current = Current(now);
        return new JwksStatus(
            Issuer,
            current.Keys.Select(k => k.Kid).ToArray(),
            current.FetchedAt,
            current.ExpiresAt,
            current.IsStale,
            FetchSuccesses,
            FetchFailures,
            current.LastError,
            current.LastErrorAt);
    }
}
