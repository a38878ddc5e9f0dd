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
/// revocation replica of every silo and of every API host that is a client of the cluster subscribed as an observer.
/// <list type="bullet">
/// <item>A revocation is persisted, then pushed to every subscriber; the call returns once every active silo of the
/// membership and every API host subscribed within <see cref="HostLease"/> has it (notified, or caught up through its
/// own subscription), or after <see cref="ConfirmationWait"/>, naming those that did not confirm. A host that missed
/// it has stopped trusting its copy by then (its trust lasts <see cref="RevocationReplica.TrustWindow"/> from its
/// last synchronisation).</item>
/// <item>Invalidations (retired keys, cleanups) travel the same way and advance the same version, so a subscriber
/// that missed one notices, but they are not kept.</item>
/// <item>A subscriber whose notification fails is no longer notified until it subscribes again.</item>
/// <item>Subscriptions live in memory only: after a reactivation the subscribers resubscribe (at once on a membership
/// change, otherwise within their sync interval), and a revocation waits for them meanwhile.</item>
/// <item>Not reentrant, except for subscriptions, which must get through while a revocation waits for them.</item>
/// </list>
/// </summary>
[KeepAlive]
internal sealed partial class RevocationListGrain(
    [PersistentState("revocations", AuthCacheStorage.Name)] IPersistentState<RevocationListState> stored,
    IClusterMembershipService membership,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    ILogger<RevocationListGrain> logger) : Grain, IRevocationListGrain
{
    /// <summary>How long a change waits for its subscribers: the trust window of their copies.</summary>
    public static readonly TimeSpan ConfirmationWait = RevocationReplica.TrustWindow;

    /// <summary>An API host that has not renewed its subscription for this long is no longer waited for.</summary>
    public static readonly TimeSpan HostLease = RevocationSubscription.SyncInterval * 3;

    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConfirmationPoll = TimeSpan.FromMilliseconds(50);

    private readonly RevocationSet _records = new();
    private readonly Dictionary<string, Subscriber> _subscribers = new(StringComparer.Ordinal);
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
            // A new epoch tells the subscribers this list starts from nothing, so they give back what they hold.
            _epoch = Guid.NewGuid();
        }

        return Task.CompletedTask;
    }

    public async Task<RevocationOutcome> RevokeAsync(RevocationKind kind, string? issuer, string value)
    {
        var now = clock.UtcNow;
        var scope = kind == RevocationKind.TokenHash ? null : issuer ?? throw new ArgumentNullException(nameof(issuer), "A session or subject is revoked for its issuer.");
        _records.Add(new RevocationRecord(kind, value, now, scope));
        _records.Prune(now, Policy);
        var record = _records.Find(kind, scope, value)!;
        var version = ++_version;
        var persisted = await PersistAsync();

        var delivery = await DeliverAsync(observer => observer.OnRevokedAsync(record, _epoch, version), version);
        return new RevocationOutcome(
            record,
            delivery.Dropped,
            delivery.ConfirmedSilos,
            delivery.UnconfirmedSilos,
            persisted,
            _records.Count,
            delivery.ConfirmedHosts,
            delivery.UnconfirmedHosts);
    }

    public async Task<InvalidationOutcome> PublishAsync(CacheInvalidation invalidation)
    {
        var version = ++_version;

        // Only the version is kept: a list reactivated from storage must not count below what subscribers have seen.
        await PersistAsync();
        var delivery = await DeliverAsync(observer => observer.OnInvalidatedAsync(invalidation, _epoch, version), version);
        return new InvalidationOutcome(delivery.Dropped, delivery.ConfirmedSilos, delivery.UnconfirmedSilos, delivery.ConfirmedHosts, delivery.UnconfirmedHosts);
    }

    public Task<RevocationSync> SubscribeAsync(RevocationSubscriber who, IRevocationObserver observer, Guid knownEpoch, long knownVersion)
    {
        var upToDate = knownEpoch == _epoch && knownVersion == _version;
        var synced = knownEpoch == _epoch ? knownVersion : -1;
        if (!_subscribers.TryGetValue(who.Name, out var subscriber))
        {
            _subscribers[who.Name] = subscriber = new Subscriber(who);
        }

        subscriber.Observer = observer;
        subscriber.LastSeen = Stopwatch.GetTimestamp();
        subscriber.SyncedVersion = Math.Max(subscriber.SyncedVersion, synced);
        var records = upToDate ? null : _records.ActiveRecords(clock.UtcNow, Policy);
        return Task.FromResult(new RevocationSync(_epoch, _version, records));
    }

    public Task AcknowledgeAsync(string subscriber, Guid epoch, long version)
    {
        if (epoch == _epoch && _subscribers.TryGetValue(subscriber, out var known))
        {
            known.SyncedVersion = Math.Max(known.SyncedVersion, version);
        }

        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(string subscriber)
    {
        _subscribers.Remove(subscriber);
        return Task.CompletedTask;
    }

    public async Task RestoreAsync(IReadOnlyList<RevocationRecord> records)
    {
        var now = clock.UtcNow;
        var policy = Policy;
        var restored = 0;
        foreach (var record in records)
        {
            if (policy.IsActive(record, now) && _records.Add(record))
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

    /// <summary>
    /// Notifies every subscriber at once, then waits until every active silo and every API host subscribed when the
    /// change was made has it: notified, or caught up through a subscription (which interleaves with this wait).
    /// </summary>
    private async Task<Delivery> DeliverAsync(Func<IRevocationObserver, Task<int>> notify, long version)
    {
        var started = Stopwatch.GetTimestamp();
        ForgetGoneSubscribers();
        var hosts = _subscribers.Values.Where(s => !s.Who.IsSilo && IsLive(s)).Select(s => s.Who.Name).ToList();
        var (notified, dropped) = await NotifyAsync(notify);
        while (true)
        {
            var (confirmedSilos, missingSilos) = Confirmations(ActiveSilos(), version, notified);
            var (confirmedHosts, missingHosts) = Confirmations(hosts, version, notified);
            if ((missingSilos.Count == 0 && missingHosts.Count == 0) || Stopwatch.GetElapsedTime(started) >= ConfirmationWait)
            {
                if (missingSilos.Count + missingHosts.Count > 0)
                {
                    LogUnconfirmed(logger, missingSilos.Count + missingHosts.Count, string.Join(", ", missingSilos.Concat(missingHosts)));
                }

                return new Delivery(dropped, confirmedSilos, missingSilos, confirmedHosts, missingHosts);
            }

            await Task.Delay(ConfirmationPoll);
        }
    }

    /// <summary>Notifies every reachable subscriber at once; returns those that applied the change and what they dropped.</summary>
    private async Task<(HashSet<string> Notified, int Dropped)> NotifyAsync(Func<IRevocationObserver, Task<int>> notify)
    {
        var subscribers = _subscribers.Values.Where(s => s.Observer is not null).ToArray();
        var answers = await Task.WhenAll(subscribers.Select(async s =>
        {
            try
            {
                return (Subscriber: s, Dropped: await notify(s.Observer!).WaitAsync(NotifyTimeout));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogNotifyFailed(logger, s.Who.Name, ex.GetType().Name);
                return (Subscriber: s, Dropped: -1);
            }
        }));

        var notified = new HashSet<string>(StringComparer.Ordinal);
        var dropped = 0;
        foreach (var (subscriber, count) in answers)
        {
            if (count >= 0)
            {
                notified.Add(subscriber.Who.Name);
                dropped += count;
            }
            else
            {
                // An observer that cannot be reached is not notified again until its process subscribes again.
                subscriber.Observer = null;
            }
        }

        return (notified, dropped);
    }

    private (int Confirmed, List<string> Missing) Confirmations(IEnumerable<string> required, long version, HashSet<string> notified)
    {
        var confirmed = 0;
        var missing = new List<string>();
        foreach (var name in required)
        {
            if (notified.Contains(name) || (_subscribers.TryGetValue(name, out var subscriber) && subscriber.SyncedVersion >= version))
            {
                confirmed++;
            }
            else
            {
                missing.Add(name);
            }
        }

        return (confirmed, missing);
    }

    private IEnumerable<string> ActiveSilos() => membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active)
        .Select(m => RevocationSubscriber.ForSilo(m.SiloAddress).Name);

    private static bool IsLive(Subscriber subscriber) => Stopwatch.GetElapsedTime(subscriber.LastSeen) < HostLease;

    /// <summary>Dead silos, and API hosts that stopped renewing their subscription (stopped, scaled in, partitioned).</summary>
    private void ForgetGoneSubscribers()
    {
        var snapshot = membership.CurrentSnapshot;
        foreach (var (name, subscriber) in _subscribers.ToList())
        {
            var gone = subscriber.Who.Silo is { } silo ? snapshot.GetSiloStatus(silo) == SiloStatus.Dead : !IsLive(subscriber);
            if (gone)
            {
                _subscribers.Remove(name);
            }
        }
    }

    /// <summary>
    /// A storage failure costs durability, not the revocation: it is applied everywhere either way, and the caller
    /// learns it was not persisted. A write conflict (another writer since this activation read) is merged and
    /// written once more: revocations only ever add up.
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
                    _version = Math.Max(_version, stored.State.Version);
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

    private sealed class Subscriber(RevocationSubscriber who)
    {
        public RevocationSubscriber Who { get; } = who;

        /// <summary>Null once a notification failed, until the subscriber renews its subscription.</summary>
        public IRevocationObserver? Observer { get; set; }

        /// <summary>The subscriber has every revocation and invalidation up to this version.</summary>
        public long SyncedVersion { get; set; } = -1;

        /// <summary>When the subscription was last renewed (a <see cref="Stopwatch"/> timestamp).</summary>
        public long LastSeen { get; set; }
    }

    private sealed record Delivery(int Dropped, int ConfirmedSilos, List<string> UnconfirmedSilos, int ConfirmedHosts, List<string> UnconfirmedHosts);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Information, Message = "Revocation list loaded with {Count} active revocation(s).")]
    private static partial void LogRestored(ILogger logger, int count);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Warning, Message = "Subscribers gave back {Count} revocation(s) the stored list had lost.")]
    private static partial void LogGivenBack(ILogger logger, int count);

    [LoggerMessage(EventId = 2413, Level = LogLevel.Warning, Message = "Subscriber {Subscriber} did not apply a change ({ErrorType}); it is no longer notified until it subscribes again, and catches up then.")]
    private static partial void LogNotifyFailed(ILogger logger, string subscriber, string errorType);

    [LoggerMessage(EventId = 2414, Level = LogLevel.Warning, Message = "{Count} subscriber(s) had not confirmed a change when the wait ended: {Subscribers}.")]
    private static partial void LogUnconfirmed(ILogger logger, int count, string subscribers);

    [LoggerMessage(EventId = 2415, Level = LogLevel.Error, Message = "The revocation list could not be persisted ({ErrorType}); revocations are applied but would not survive the loss of this activation.")]
    private static partial void LogPersistFailed(ILogger logger, string errorType);
}
