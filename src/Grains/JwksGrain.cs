using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.StateProtection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AuthCache.Grains;

/// <summary>
/// The signing keys of one issuer for the whole cluster.
/// <list type="bullet">
/// <item>Reentrant, so callers never queue behind a slow fetch when good keys are at hand; callers that do need a
/// fetch share the one in flight.</item>
/// <item>A fetch ends by <see cref="AuthCacheOptions.JwksFetchTimeout"/> at the latest, is cancelled when the
/// activation ends or the silo begins to stop, and a forced refresh replaces it rather than waiting for it.</item>
/// <item>Refreshed in the background at 80% of the keys' lifetime: a reminder (survives deactivation and silo
/// loss, ticks at most once a minute) wakes the grain, a one-shot grain timer hits the exact time.</item>
/// <item>The last-known-good set is persisted with an authentication code only the silos can compute, so a
/// reactivation during an outage still has keys. A stored set is used only when the first fetch fails, and only if
/// its code matches and its times are plausible; anything else in storage is refused and logged.</item>
/// <item>A successful fetch that no longer lists a key retires it across the cluster before it returns, whatever
/// asked for it (the schedule, an operator, a token with an unknown key): every silo drops the validations made with
/// it, every API host its copies of answers and the key itself (<see cref="KeysRetired"/>).</item>
/// </list>
/// </summary>
[Reentrant]
internal sealed partial class JwksGrain(
    JwksFetcher fetcher,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    [PersistentState("jwks", AuthCacheStorage.Name)] IPersistentState<JwksPersistedState> stored,
    GrainStateProtector protector,
    JwksFreshnessMetrics freshness,
    IHostApplicationLifetime lifetime,
    ILogger<JwksGrain> logger) : Grain, IJwksGrain, IRemindable
{
    public const string ReminderName = "jwks-refresh";

    // Cancelled when this activation ends or the silo begins to stop: a fetch must not hold up either.
    private readonly CancellationTokenSource _active =
        CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);

    private JwksKeyState _state = null!;

    // The verified stored keys, kept aside until the first fetch of this activation: used only if it fails.
    private JwksSnapshot? _stored;
    private InFlightFetch? _fetch;
    private IGrainTimer? _refreshTimer;

    private string Issuer => this.GetPrimaryKeyString();

    // A primary constructor's parameters are in scope only in the part of the class that declares them: the other
    // parts reach them through these.
    private ILogger Logger => logger;

    private AuthCacheClock Clock => clock;

    private GrainStateProtector Protector => protector;

    private IPersistentState<JwksPersistedState> Stored => stored;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        _state = new JwksKeyState(Issuer, settings.JwksMaxStaleness);
        if (stored.RecordExists && stored.State is { Snapshot.Keys.Count: > 0 } persisted && protector.IsEnabled)
        {
            if (RefusalOf(persisted, clock.UtcNow, settings) is { } refusal)
            {
                LogStoredKeysRefused(logger, Issuer, refusal);
            }
            else
            {
                _state.RestoreCounters(
                    persisted.FetchSuccesses, persisted.FetchFailures, persisted.ConsecutiveFailures);
                _stored = persisted.Snapshot;
            }
        }

        if (settings.FindIssuer(Issuer) is not null)
        {
            freshness.Report(_state.ToStatus(clock.UtcNow));
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod(settings), ReminderPeriod(settings));
            ScheduleRefresh();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        freshness.Forget(Issuer);
        _active.Cancel();
        _active.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Without usable keys the caller waits for the fetch. With last-known-good keys past their expiry the
    /// caller gets them at once and the fetch runs in the background: an outage never adds latency.
    /// </summary>
    public Task<JwksSnapshot> GetKeysAsync()
    {
        var now = clock.UtcNow;
        var current = _state.Current(now);
        if (!_state.IsFetchDue(now))
        {
            return Task.FromResult(current);
        }

        var fetch = FetchOnceAsync();
        return current.HasKeys ? Task.FromResult(current) : KeysOf(fetch);
    }

    public Task<JwksSnapshot> RefreshForUnknownKeyAsync(string keyId)
    {
        var now = clock.UtcNow;
        if (_fetch is { } running)
        {
            return KeysOf(running.Completion);
        }

        // Callers past the cooldown get the current keys at once: they never queue behind the limiter.
        if (!_state.MayFetchForUnknownKey(keyId, now, options.CurrentValue.JwksRefreshCooldown))
        {
            return Task.FromResult(_state.Current(now));
        }

        _state.MarkUnknownKeyFetch(now);
        LogUnknownKeyRefresh(logger, Issuer);
        return KeysOf(FetchOnceAsync());
    }

    public Task<JwksRefresh> ForceRefreshAsync()
    {
        // A fetch already running may have read the issuer's keys before the change the admin is acting on (a key
        // removed after a compromise), or be stalled on an issuer that never finishes its body: joining it would
        // answer that nothing was retired, or answer late. A forced refresh starts its own fetch at once and cancels
        // the running one, whose result is never applied and whose callers get this fetch's answer.
        var superseded = _fetch;
        _fetch = null;
        var refresh = StartFetch();
        if (superseded is not null)
        {
            superseded.Successor = refresh;
            superseded.Cancellation.Cancel();
        }

        return refresh;
    }

    public Task<JwksStatus> GetStatusAsync() => Task.FromResult(_state.ToStatus(clock.UtcNow));

    public async Task<JwksStatus> EnsureRefreshScheduledAsync()
    {
        if (options.CurrentValue.FindIssuer(Issuer) is null)
        {
            await StopRefreshingAsync();
            return _state.ToStatus(clock.UtcNow);
        }

        await RefreshIfDueAsync();
        return _state.ToStatus(clock.UtcNow);
    }

    /// <summary>Ticks may be missed or repeated: each one only refreshes when a refresh is due.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => EnsureRefreshScheduledAsync();

    private static async Task<JwksSnapshot> KeysOf(Task<JwksRefresh> refresh) => (await refresh).Keys;

    private Task<JwksRefresh> FetchOnceAsync() => _fetch?.Completion ?? StartFetch();

    private Task<JwksRefresh> StartFetch()
    {
        var fetch = new InFlightFetch(_active.Token);
        fetch.Completion = FetchAsync(fetch);
        if (!fetch.Completion.IsCompleted)
        {
            _fetch = fetch;
        }

        return fetch.Completion;
    }

    private async Task<JwksRefresh> FetchAsync(InFlightFetch fetch)
    {
        try
        {
            var settings = options.CurrentValue;
            var issuer = settings.FindIssuer(Issuer);
            if (issuer is null)
            {
                // Only trusted code reaches this grain, but an unconfigured key must not stay activated.
                DeactivateOnIdle();
                var unconfigured = _state.Apply(
                    JwksFetchResult.Failed("issuer is not configured"), clock.UtcNow, settings.JwksRefreshInterval);
                return new JwksRefresh(unconfigured, [], null);
            }

            // Keys kept aside from storage count as held: a key the issuer dropped meanwhile is retired all the same.
            var held = _stored is { } kept
                ? _state.KeyIds.Union(kept.Keys.Select(k => k.Kid), StringComparer.Ordinal).ToArray()
                : _state.KeyIds;
            JwksFetchResult? result;
            try
            {
                result = await fetcher.FetchAsync(issuer, _state.DiscoveredJwksUri, fetch.Cancellation.Token);
            }
            catch (OperationCanceledException) when (fetch.Cancellation.IsCancellationRequested)
            {
                result = null;
            }

            if (result is null || fetch.Cancellation.IsCancellationRequested)
            {
                // Superseded by a forced refresh, or the activation is ending: nothing this fetch read is applied.
                return fetch.Successor is { } successor
                    ? await successor
                    : new JwksRefresh(_state.Current(clock.UtcNow), [], null);
            }

            if (!result.Succeeded && _stored is { } lastKnownGood)
            {
                _state.FallBackTo(lastKnownGood);
                LogRestored(logger, Issuer, lastKnownGood.Keys.Count);
            }

            _stored = null;
            var snapshot = _state.Apply(result, clock.UtcNow, settings.JwksRefreshInterval);
            freshness.Report(_state.ToStatus(clock.UtcNow));
            ScheduleRefresh();
            if (!result.Succeeded)
            {
                return new JwksRefresh(snapshot, [], null);
            }

            await PersistAsync();
            var retired = held.Except(result.Keys.Select(k => k.Kid), StringComparer.Ordinal).ToArray();
            return new JwksRefresh(snapshot, retired, retired.Length == 0 ? null : await RetireAsync(retired));
        }
        finally
        {
            if (_fetch == fetch)
            {
                _fetch = null;
            }

            fetch.Cancellation.Dispose();
        }
    }

    /// <summary>A fetch in progress, which callers join; a forced refresh cancels it and names its successor.</summary>
    private sealed class InFlightFetch(CancellationToken active)
    {
        public CancellationTokenSource Cancellation { get; } = CancellationTokenSource.CreateLinkedTokenSource(active);

        public Task<JwksRefresh> Completion { get; set; } = null!;

        public Task<JwksRefresh>? Successor { get; set; }
    }

    [LoggerMessage(
        EventId = 2101,
        Level = LogLevel.Information,
        Message = "A token named an unknown signing key of issuer {Issuer}; refreshing its keys.")]
    private static partial void LogUnknownKeyRefresh(ILogger logger, string issuer);

    [LoggerMessage(
        EventId = 2102,
        Level = LogLevel.Information,
        Message = "The first fetch failed: serving {KeyCount} last-known-good signing key(s) of issuer {Issuer} "
            + "restored from storage.")]
    private static partial void LogRestored(ILogger logger, string issuer, int keyCount);
}
