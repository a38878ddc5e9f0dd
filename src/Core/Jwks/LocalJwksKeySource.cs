using System.Collections.Concurrent;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace AuthCache.Core.Jwks;

/// <summary>
/// Signing keys held in this process: the key source of the direct scheme, of the fallback when the cluster does
/// not answer, and (<see cref="HeldKeys"/>) of the hedge when a grain is slow. Kept warm from the cluster's
/// JwksGrain (<see cref="Adopt"/>), so a host does not fetch keys the cluster already has; fetched from the issuer
/// only when due here, with the same freshness and cooldown rules as the JwksGrain. Keys the cluster announces as
/// retired are dropped at once.
/// </summary>
internal sealed class LocalJwksKeySource : ISigningKeySource, IRevocationReplicaListener, IDisposable
{
    private readonly ConcurrentDictionary<string, IssuerKeys> _issuers = new(StringComparer.Ordinal);
    private readonly JwksFetcher _fetcher;
    private readonly IOptionsMonitor<AuthCacheOptions> _options;
    private readonly AuthCacheClock _clock;
    private readonly IDisposable _replicaChange;

    public LocalJwksKeySource(
        JwksFetcher fetcher,
        IOptionsMonitor<AuthCacheOptions> options,
        AuthCacheClock clock,
        RevocationReplica revocations)
    {
        _fetcher = fetcher;
        _options = options;
        _clock = clock;
        _replicaChange = revocations.Subscribe(this);
        HeldKeys = new HeldKeySource(this);
    }

    /// <summary>
    /// The keys held now, never fetched: a token naming a key they lack is left undecided (<c>unknown_key</c>).
    /// </summary>
    public ISigningKeySource HeldKeys { get; }

    public async Task<JwksSnapshot> GetKeysAsync(string issuer)
    {
        var entry = Entry(issuer);
        if (!entry.State.IsFetchDue(_clock.UtcNow))
        {
            return entry.State.Current(_clock.UtcNow);
        }

        await entry.Gate.WaitAsync();
        try
        {
            // Another caller may have fetched while this one waited.
            return entry.State.IsFetchDue(_clock.UtcNow)
                ? await FetchAsync(issuer, entry)
                : entry.State.Current(_clock.UtcNow);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public async Task<JwksSnapshot> RefreshForUnknownKeyAsync(string issuer, string keyId)
    {
        var entry = Entry(issuer);
        var settings = _options.CurrentValue;
        if (!entry.State.MayFetchForUnknownKey(keyId, _clock.UtcNow, settings.JwksRefreshCooldown)
            || !entry.Gate.Wait(0))
        {
            return entry.State.Current(_clock.UtcNow);
        }

        try
        {
            if (!entry.State.MayFetchForUnknownKey(keyId, _clock.UtcNow, settings.JwksRefreshCooldown))
            {
                return entry.State.Current(_clock.UtcNow);
            }

            entry.State.MarkUnknownKeyFetch(_clock.UtcNow);
            return await FetchAsync(issuer, entry);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Takes over the key set the cluster fetched, when it is newer than the one held here.</summary>
    public void Adopt(JwksSnapshot snapshot)
    {
        if (_options.CurrentValue.FindIssuer(snapshot.Issuer) is not null)
        {
            Entry(snapshot.Issuer).State.Adopt(snapshot);
        }
    }

    /// <summary>The keys held for <paramref name="issuer"/> now, never fetched.</summary>
    public JwksSnapshot Held(string issuer) => Entry(issuer).State.Current(_clock.UtcNow);

    /// <summary>The key ids held for <paramref name="issuer"/> now (for diagnostics and tests).</summary>
    public IReadOnlyList<string> HeldKeyIds(string issuer) =>
        _issuers.TryGetValue(issuer, out var entry)
            ? entry.State.Current(_clock.UtcNow).Keys.Select(k => k.Kid).ToArray()
            : [];

    public ValueTask<int> OnReplicaChangedAsync(ReplicaChange change)
    {
        if (change is InvalidationReceived { Invalidation: KeysRetired { Issuer: var issuer } retired }
            && _issuers.TryGetValue(issuer, out var entry))
        {
            entry.State.Retire(retired.KeyIds);
        }

        return ValueTask.FromResult(0);
    }

    public void Dispose() => _replicaChange.Dispose();

    private async Task<JwksSnapshot> FetchAsync(string issuer, IssuerKeys entry)
    {
        var settings = _options.CurrentValue;
        var issuerOptions = settings.FindIssuer(issuer)
            ?? throw new InvalidOperationException($"Issuer '{issuer}' is not configured.");
        var result = await _fetcher.FetchAsync(issuerOptions, entry.State.DiscoveredJwksUri);
        return entry.State.Apply(result, _clock.UtcNow, settings.JwksRefreshInterval);
    }

    private IssuerKeys Entry(string issuer) =>
        _issuers.GetOrAdd(
            issuer,
            static (i, staleness) => new IssuerKeys(new JwksKeyState(i, staleness), new SemaphoreSlim(1, 1)),
            _options.CurrentValue.JwksMaxStaleness);

    private sealed record IssuerKeys(JwksKeyState State, SemaphoreSlim Gate);

    private sealed class HeldKeySource(LocalJwksKeySource source) : ISigningKeySource
    {
        public Task<JwksSnapshot> GetKeysAsync(string issuer) => Task.FromResult(Held(issuer));

        public Task<JwksSnapshot> RefreshForUnknownKeyAsync(string issuer, string keyId) =>
            Task.FromResult(Held(issuer));

        private JwksSnapshot Held(string issuer) => source.Held(issuer);
    }
}
