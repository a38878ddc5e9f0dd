using System.Diagnostics;
using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// The cluster's revocation list: one activation, persisted in <see cref="AuthCacheStorage.Name"/>, with the
/// revocation cache of every silo subscribed as an observer.
/// <list type="bullet">
/// <item>A revocation is persisted, then pushed to every subscribed silo; the call returns once every active
/// silo of the membership has it (notified, or caught up through its own subscription), or after
/// <see cref="ConfirmationWait"/>, naming the silos that did not confirm.</item>
/// <item>Subscriptions live in memory only: after a reactivation the silos resubscribe (at once on a membership
/// change, otherwise within their sync interval), and a revocation waits for them meanwhile.</item>
/// <item>Not reentrant, except for subscriptions, which must get through while a revocation waits for them.</item>
/// </list>
/// </summary>
[KeepAlive]
public sealed partial class RevocationListGrain(
    [PersistentState("revocations", AuthCacheStorage.Name)] IPersistentState<RevocationListState> stored,
    IClusterMembershipService membership,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    ILogger<RevocationListGrain> logger) : Grain, IRevocationListGrain
{
    /// <summary>Longer than a silo's sync interval, so a silo that missed the notification has resubscribed by then.</summary>
    public static readonly TimeSpan ConfirmationWait = SiloRevocationCache.SyncInterval * 2;

    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConfirmationPoll = TimeSpan.FromMilliseconds(50);

    private readonly RevocationSet _records = new();
    private readonly Dictionary<SiloAddress, Subscriber> _subscribers = [];
    private Guid _epoch;
    private long _version;

    private RevocationPolicy Policy => RevocationPolicy.From(options.CurrentValue);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (stored.RecordExists)
        {
            _epoch = stored.State.Epoch;
            _version = stored.State.Version;
            foreach (var record in stored.State.Records)
            {
                _records.Add(record);
            }

            _records.Prune(clock.UtcNow, Policy);
            LogRestored(logger, _records.Count);
        }
        else
        {
            // A new epoch tells the silos this list starts from nothing, so they give back what they hold.
            _epoch = Guid.NewGuid();
        }

        return Task.CompletedTask;
    }

    public async Task<RevocationOutcome> RevokeAsync(RevocationKind kind, string value)
    {
        var now = clock.UtcNow;
        _records.Add(new RevocationRecord(kind, value, now));
        _records.Prune(now, Policy);
        var record = _records.Find(kind, value)!;
        var version = ++_version;
        var persisted = await PersistAsync();

        ForgetDeadSilos();
        var (notified, dropped) = await NotifyAsync(record, version);
        var (confirmed, unconfirmed) = await AwaitConfirmationAsync(version, notified);
        if (unconfirmed.Count > 0)
        {
            LogUnconfirmed(logger, unconfirmed.Count, string.Join(", ", unconfirmed));
        }

        return new RevocationOutcome(record, dropped, confirmed, unconfirmed, persisted, _records.Count);
    }

    public Task<RevocationSync> SubscribeAsync(SiloAddress silo, IRevocationObserver observer, Guid knownEpoch, long knownVersion)
    {
        var upToDate = knownEpoch == _epoch && knownVersion == _version;
        var synced = knownEpoch == _epoch ? knownVersion : -1;
        if (_subscribers.TryGetValue(silo, out var subscriber))
        {
            subscriber.Observer = observer;
            subscriber.SyncedVersion = Math.Max(subscriber.SyncedVersion, synced);
        }
        else
        {
            _subscribers[silo] = new Subscriber(observer, synced);
        }

        var records = upToDate ? null : _records.ActiveRecords(clock.UtcNow, Policy);
        return Task.FromResult(new RevocationSync(_epoch, _version, records));
    }

    public Task AcknowledgeAsync(SiloAddress silo, Guid epoch, long version)
    {
        if (epoch == _epoch && _subscribers.TryGetValue(silo, out var subscriber))
        {
            subscriber.SyncedVersion = Math.Max(subscriber.SyncedVersion, version);
        }

        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(SiloAddress silo)
    {
        _subscribers.Remove(silo);
        return Task.CompletedTask;
    }

    public async Task RestoreAsync(IReadOnlyList<RevocationRecord> records)
    {
        var now = clock.UtcNow;
        var policy = Policy;
        var restored = 0;
        foreach (var record in records)
        {
            if (RevocationSet.IsActive(record.RevokedAt, now, policy) && _records.Add(record))
            {
                restored++;
            }
        }

        if (restored > 0)
        {
            _version++;
            LogGivenBack(logger, restored);
            await PersistAsync();
        }
    }

    /// <summary>Notifies every subscriber at once; returns the silos that applied the record and what they dropped.</summary>
    private async Task<(HashSet<SiloAddress> Notified, int Dropped)> NotifyAsync(RevocationRecord record, long version)
    {
        var subscribers = _subscribers.ToArray();
        var answers = await Task.WhenAll(subscribers.Select(async s =>
        {
            try
            {
                return (Silo: s.Key, Dropped: await s.Value.Observer.OnRevokedAsync(record, _epoch, version).WaitAsync(NotifyTimeout));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogNotifyFailed(logger, s.Key.ToString(), ex.GetType().Name);
                return (Silo: s.Key, Dropped: -1);
            }
        }));

        var confirmed = new HashSet<SiloAddress>();
        var dropped = 0;
        foreach (var (silo, count) in answers)
        {
            if (count >= 0)
            {
                confirmed.Add(silo);
                dropped += count;
            }
        }

        return (confirmed, dropped);
    }

    /// <summary>
    /// Waits until every active silo has the revocation: notified, or caught up through a subscription (which
    /// interleaves with this wait). Returns how many active silos have it and which still miss it when the wait ends.
    /// </summary>
    private async Task<(int Confirmed, List<string> Missing)> AwaitConfirmationAsync(long version, HashSet<SiloAddress> notified)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var confirmed = 0;
            var missing = new List<string>();
            foreach (var member in membership.CurrentSnapshot.Members.Values)
            {
                if (member.Status != SiloStatus.Active)
                {
                    continue;
                }

                if (notified.Contains(member.SiloAddress)
                    || (_subscribers.TryGetValue(member.SiloAddress, out var subscriber) && subscriber.SyncedVersion >= version))
                {
                    confirmed++;
                }
                else
                {
                    missing.Add(member.SiloAddress.ToString());
                }
            }

            if (missing.Count == 0 || Stopwatch.GetElapsedTime(started) >= ConfirmationWait)
            {
                return (confirmed, missing);
            }

            await Task.Delay(ConfirmationPoll);
        }
    }

    private void ForgetDeadSilos()
    {
        var snapshot = membership.CurrentSnapshot;
        foreach (var silo in _subscribers.Keys.ToList())
        {
            if (snapshot.GetSiloStatus(silo) == SiloStatus.Dead)
            {
                _subscribers.Remove(silo);
            }
        }
    }

    /// <summary>
    /// A storage failure costs durability, not the revocation: it is applied on every silo either way, and the
    /// caller learns it was not persisted. A write conflict (another writer since this activation read) is merged
    /// and written once more: revocations only ever add up.
    /// </summary>
    private async Task<bool> PersistAsync()
    {
        try
        {
            try
            {
                await WriteAsync();
            }
            catch (InconsistentStateException)
            {
                await stored.ReadStateAsync();
                if (stored.RecordExists)
                {
                    foreach (var record in stored.State.Records)
                    {
                        _records.Add(record);
                    }
                }

                await WriteAsync();
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPersistFailed(logger, ex.GetType().Name);
            return false;
        }
    }

    private Task WriteAsync()
    {
        stored.State = new RevocationListState(_epoch, _version, _records.ActiveRecords(clock.UtcNow, Policy));
        return stored.WriteStateAsync();
    }

    private sealed class Subscriber(IRevocationObserver observer, long syncedVersion)
    {
        public IRevocationObserver Observer { get; set; } = observer;

        /// <summary>The silo has every revocation up to this version.</summary>
        public long SyncedVersion { get; set; } = syncedVersion;
    }

    [LoggerMessage(EventId = 2411, Level = LogLevel.Information, Message = "Revocation list loaded with {Count} active revocation(s).")]
    private static partial void LogRestored(ILogger logger, int count);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Warning, Message = "Silos gave back {Count} revocation(s) the stored list had lost.")]
    private static partial void LogGivenBack(ILogger logger, int count);

    [LoggerMessage(EventId = 2413, Level = LogLevel.Warning, Message = "Silo {Silo} did not apply a revocation ({ErrorType}); it catches up at its next synchronisation.")]
    private static partial void LogNotifyFailed(ILogger logger, string silo, string errorType);

    [LoggerMessage(EventId = 2414, Level = LogLevel.Warning, Message = "{Count} active silo(s) had not confirmed a revocation when the wait ended: {Silos}.")]
    private static partial void LogUnconfirmed(ILogger logger, int count, string silos);

    [LoggerMessage(EventId = 2415, Level = LogLevel.Error, Message = "The revocation list could not be persisted ({ErrorType}); revocations are applied but would not survive the loss of this activation.")]
    private static partial void LogPersistFailed(ILogger logger, string errorType);
}
