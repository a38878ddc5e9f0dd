using System.Collections.Concurrent;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace AuthCache.Core.Jwks;

/// <summary>
/// Signing keys cached in this process only: the key source of the direct (uncached) scheme and of the
/// fallback path when the cluster is unreachable. Same freshness and cooldown rules as the JwksGrain.
/// </summary>
public sealed class LocalJwksKeySource(JwksFetcher fetcher, IOptionsMonitor<AuthCacheOptions> options, AuthCacheClock clock) : ISigningKeySource
{
    private readonly ConcurrentDictionary<string, IssuerKeys> _issuers = new(StringComparer.Ordinal);

    public async Task<JwksSnapshot> GetKeysAsync(string issuer)
    {
        var entry = Entry(issuer);
        if (!entry.State.IsFetchDue(clock.UtcNow))
        {
            return entry.State.Current(clock.UtcNow);
        }

        await entry.Gate.WaitAsync();
        try
        {
            // Another caller may have fetched while this one waited.
            return entry.State.IsFetchDue(clock.UtcNow) ? await FetchAsync(issuer, entry) : entry.State.Current(clock.UtcNow);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public async Task<JwksSnapshot> RefreshForUnknownKeyAsync(string issuer, string keyId)
    {
        var entry = Entry(issuer);
        var settings = options.CurrentValue;
        if (!entry.State.MayFetchForUnknownKey(keyId, clock.UtcNow, settings.JwksRefreshCooldown) || !entry.Gate.Wait(0))
        {
            return entry.State.Current(clock.UtcNow);
        }

        try
        {
            if (!entry.State.MayFetchForUnknownKey(keyId, clock.UtcNow, settings.JwksRefreshCooldown))
            {
                return entry.State.Current(clock.UtcNow);
            }

            entry.State.MarkUnknownKeyFetch(clock.UtcNow);
            return await FetchAsync(issuer, entry);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<JwksSnapshot> FetchAsync(string issuer, IssuerKeys entry)
    {
        var settings = options.CurrentValue;
        var issuerOptions = settings.FindIssuer(issuer) ?? throw new InvalidOperationException($"Issuer '{issuer}' is not configured.");
        var result = await fetcher.FetchAsync(issuerOptions);
        return entry.State.Apply(result, clock.UtcNow, settings.JwksRefreshInterval);
    }

    private IssuerKeys Entry(string issuer) =>
        _issuers.GetOrAdd(issuer, static (i, staleness) => new IssuerKeys(new JwksKeyState(i, staleness), new SemaphoreSlim(1, 1)), options.CurrentValue.JwksMaxStaleness);

    private sealed record IssuerKeys(JwksKeyState State, SemaphoreSlim Gate);
}
