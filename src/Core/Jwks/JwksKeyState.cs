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

    /// <summary>First retry delay after a failed fetch; doubles per consecutive failure up to <see cref="MaximumRetryDelay"/>.</summary>
    public static readonly TimeSpan InitialRetryDelay = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MaximumRetryDelay = TimeSpan.FromMinutes(5);

    public int ConsecutiveFailures { get; private set; }

    /// <summary>
    /// A fetch is due when there are no keys or they have expired, but not before the backoff after a failure
    /// has passed: a dead issuer costs a bounded number of fetches, however many requests arrive.
    /// </summary>
    public bool IsFetchDue(DateTimeOffset now) =>
        (!_snapshot.HasKeys || now >= _snapshot.ExpiresAt) && (NextRetryAt is not { } retryAt || now >= retryAt);

    public DateTimeOffset? NextRetryAt => ConsecutiveFailures == 0 || _snapshot.LastErrorAt is not { } failedAt
        ? null
        : failedAt + RetryDelay(ConsecutiveFailures);

    private static TimeSpan RetryDelay(int failures)
    {
        var delay = InitialRetryDelay * Math.Pow(2, Math.Min(failures - 1, 16));
        return delay < MaximumRetryDelay ? delay : MaximumRetryDelay;
    }

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
            ConsecutiveFailures = 0;
            var lifetime = result.MaxAge is { } maxAge && maxAge < refreshInterval
                ? (maxAge < MinimumMaxAge ? MinimumMaxAge : maxAge)
                : refreshInterval;
            _snapshot = new JwksSnapshot(Issuer, Math.Max(_snapshot.Version + 1, now.UtcTicks), result.Keys, now, now + lifetime, false, null, null);
        }
        else
        {
            FetchFailures++;
            ConsecutiveFailures++;
            _snapshot = _snapshot with { LastError = result.Error, LastErrorAt = now };
        }

        return Current(now);
    }

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
