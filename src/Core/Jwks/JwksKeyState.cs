using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Jwks;

/// <summary>
/// The key set of one issuer and the rules around it, shared by the JwksGrain and the local (fallback) key
/// cache: when a fetch is due, when the background refresh is due, when an unknown <c>kid</c> may trigger a
/// fetch, that a failed fetch never replaces good keys (last-known-good), and how long stale keys may serve. The
/// address discovery gave the keys is held the same way.
/// </summary>
internal sealed class JwksKeyState(string issuer, TimeSpan maxStaleness)
{
    /// <summary>
    /// An issuer's <c>Cache-Control: max-age</c> shorter than the refresh interval is honoured, but never below this.
    /// </summary>
    public static readonly TimeSpan MinimumMaxAge = TimeSpan.FromMinutes(1);

    /// <summary>
    /// First retry delay after a failed fetch; doubles per consecutive failure up to <see cref="MaximumRetryDelay"/>.
    /// </summary>
    public static readonly TimeSpan InitialRetryDelay = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MaximumRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>Keys are refreshed in the background once this share of their lifetime has passed.</summary>
    public const double RefreshAt = 0.8;

    private JwksSnapshot _snapshot = new(issuer, 0, [], null, null, false, null, null);

    // Keys restored from storage after a failed fetch: no fetch of this process has confirmed them yet.
    private bool _unconfirmed;

    public string Issuer { get; } = issuer;

    public long FetchSuccesses { get; private set; }

    public long FetchFailures { get; private set; }

    public int ConsecutiveFailures { get; private set; }

    public DateTimeOffset? LastUnknownKeyFetch { get; private set; }

    /// <summary>
    /// The <c>jwks_uri</c> of the last successful fetch that discovered it: the last-known-good address, kept like
    /// the keys and read again on every fetch, so discovery follows the keys' refresh, cooldown and backoff.
    /// </summary>
    public Uri? DiscoveredJwksUri { get; private set; }

    /// <summary>The ids of the keys held, also while they are withheld for staleness.</summary>
    public IReadOnlyList<string> KeyIds => _snapshot.Keys.Select(k => k.Kid).ToArray();

    /// <summary>
    /// The keys as they may be used at <paramref name="now"/>: marked stale past their expiry, and withheld
    /// entirely once older than the maximum staleness (a key the issuer may have revoked days ago is not trusted).
    /// </summary>
    public JwksSnapshot Current(DateTimeOffset now)
    {
        if (IsBeyondMaxStaleness(now))
        {
            return _snapshot with
            {
                Keys = [],
                IsStale = true,
                LastError =
                    $"keys older than the maximum staleness ({maxStaleness}); last error: "
                        + $"{_snapshot.LastError ?? "none"}",
            };
        }

        var stale = _snapshot.HasKeys && now >= _snapshot.ExpiresAt;
        return stale == _snapshot.IsStale ? _snapshot : _snapshot = _snapshot with { IsStale = stale };
    }

    public bool IsBeyondMaxStaleness(DateTimeOffset now) =>
        _snapshot.HasKeys && _snapshot.ExpiresAt is { } expiresAt && now >= expiresAt + maxStaleness;

    /// <summary>
    /// A fetch on the request path is due when there are no keys or they have expired, but not before the
    /// backoff after a failure has passed: a dead issuer costs a bounded number of fetches, however many
    /// requests arrive.
    /// </summary>
    public bool IsFetchDue(DateTimeOffset now) =>
        (!_snapshot.HasKeys || now >= _snapshot.ExpiresAt) && (NextRetryAt is not { } retryAt || now >= retryAt);

    /// <summary>
    /// When the background refresh should next fetch: at 80% of the keys' lifetime, or after the failure backoff.
    /// </summary>
    public DateTimeOffset NextRefreshAt
    {
        get
        {
            var refreshAt =
                _snapshot is { HasKeys: true, FetchedAt: { } fetchedAt, ExpiresAt: { } expiresAt } && !_unconfirmed
                    ? fetchedAt + (expiresAt - fetchedAt) * RefreshAt
                    : DateTimeOffset.MinValue;
            return NextRetryAt is { } retryAt && retryAt > refreshAt ? retryAt : refreshAt;
        }
    }

    public bool IsRefreshDue(DateTimeOffset now) => now >= NextRefreshAt;

    public DateTimeOffset? NextRetryAt => ConsecutiveFailures == 0 || _snapshot.LastErrorAt is not { } failedAt
        ? null
        : failedAt + RetryDelay(ConsecutiveFailures);

    /// <summary>An unknown key id may trigger a fetch only once per <paramref name="cooldown"/>.</summary>
    public bool MayFetchForUnknownKey(string keyId, DateTimeOffset now, TimeSpan cooldown) =>
        !_snapshot.ContainsKey(keyId) && (LastUnknownKeyFetch is not { } last || now - last >= cooldown);

    public void MarkUnknownKeyFetch(DateTimeOffset now) => LastUnknownKeyFetch = now;

    /// <summary>
    /// Applies a fetch: success replaces the keys (dropping removed ones); failure keeps them and records the error.
    /// </summary>
    public JwksSnapshot Apply(JwksFetchResult result, DateTimeOffset now, TimeSpan refreshInterval)
    {
        if (result.Succeeded)
        {
            FetchSuccesses++;
            ConsecutiveFailures = 0;
            _unconfirmed = false;
            DiscoveredJwksUri = result.DiscoveredJwksUri ?? DiscoveredJwksUri;
            var lifetime =
                result.MaxAge is { } maxAge && maxAge < refreshInterval
                    ? (maxAge < MinimumMaxAge ? MinimumMaxAge : maxAge)
                    : refreshInterval;
            _snapshot = new JwksSnapshot(
                Issuer,
                Math.Max(_snapshot.Version + 1, now.UtcTicks),
                result.Keys,
                now,
                now + lifetime,
                false,
                null,
                null);
        }
        else
        {
            FetchFailures++;
            ConsecutiveFailures++;
            _snapshot = _snapshot with { LastError = result.Error, LastErrorAt = now };
        }

        return Current(now);
    }

    /// <summary>
    /// Takes over a key set fetched elsewhere (the cluster's JwksGrain) when it was fetched later than the one held:
    /// the same keys, times and version, so a process that holds both reuses the parsed keys.
    /// </summary>
    public void Adopt(JwksSnapshot fetched)
    {
        var held = _snapshot;
        if (fetched.HasKeys
            && fetched.FetchedAt is { } fetchedAt
            && (held.FetchedAt is not { } heldAt || fetchedAt > heldAt))
        {
            _snapshot = fetched;
            ConsecutiveFailures = 0;
        }
    }

    /// <summary>
    /// Drops retired keys at once (every key when <paramref name="keyIds"/> is empty), without a fetch.
    /// </summary>
    public void Retire(IReadOnlyList<string> keyIds)
    {
        var held = _snapshot;
        var kept =
            keyIds.Count == 0 ? [] : held.Keys.Where(k => !keyIds.Contains(k.Kid, StringComparer.Ordinal)).ToArray();
        if (kept.Length != held.Keys.Count)
        {
            _snapshot = held with { Keys = kept, Version = held.Version + 1 };
        }
    }

    /// <summary>
    /// The keys held, also while withheld for staleness, with the last fetch's outcome: with the fetch counters,
    /// what survives a deactivation or a cluster restart.
    /// </summary>
    public JwksSnapshot LastKnownGood => _snapshot;

    /// <summary>
    /// The fetch counters read back from storage; the keys stored with them serve only through
    /// <see cref="FallBackTo"/>.
    /// </summary>
    public void RestoreCounters(long fetchSuccesses, long fetchFailures, int consecutiveFailures)
    {
        FetchSuccesses = fetchSuccesses;
        FetchFailures = fetchFailures;
        ConsecutiveFailures = consecutiveFailures;
    }

    /// <summary>
    /// Serves keys read back from storage once a fetch has failed. Until a fetch succeeds the background refresh
    /// follows the failure backoff rather than the keys' own 80% mark: they are the last resort, not fresh keys.
    /// </summary>
    public void FallBackTo(JwksSnapshot lastKnownGood)
    {
        _snapshot = lastKnownGood;
        _unconfirmed = true;
    }

    public JwksStatus ToStatus(DateTimeOffset now)
    {
        var current = Current(now);
        return new JwksStatus(
            Issuer,
            _snapshot.Keys.Select(k => k.Kid).ToArray(),
            current.FetchedAt,
            current.ExpiresAt,
            current.IsStale,
            FetchSuccesses,
            FetchFailures,
            current.LastError,
            current.LastErrorAt,
            _snapshot.HasKeys ? NextRefreshAt : NextRetryAt);
    }

    private static TimeSpan RetryDelay(int failures)
    {
        var delay = InitialRetryDelay * Math.Pow(2, Math.Min(failures - 1, 16));
        return delay < MaximumRetryDelay ? delay : MaximumRetryDelay;
    }
}
