using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// Who is subscribed to the cluster's invalidation channel (the <see cref="RevocationListGrain"/>), on the model of
/// Orleans' <c>ObserverManager&lt;T&gt;</c>: a subscription lasts one <see cref="Lease"/> unless renewed, and an
/// observer whose notification fails is not notified again until it renews. Unlike a plain observer list, a subscriber
/// that stops renewing is never dropped silently: for one more lease after its subscription expired it is still waited
/// for, so a change made meanwhile names it unconfirmed (or it catches up by renewing); then it is forgotten. Silos are
/// waited for while the membership has them active, whatever their subscription: a silo that is not subscribed is named
/// unconfirmed until it catches up. Confirmations: a subscriber has a change once its notification answered, or once it
/// acknowledged a version at least as new (a renewal that caught it up). Not thread-safe: used by the one activation of
/// the list, on its scheduler.
/// </summary>
internal sealed partial class SubscriberTable(TimeProvider time, ILogger logger)
{
    /// <summary>
    /// How long a subscription lasts without renewal: three of the subscribers' sync intervals, so one or two renewals
    /// lost or late cost nothing. A host silent for a second lease is far older than
    /// <see cref="AuthCache.Core.Options.RevocationOptions.MaxReplicaLag"/> allows it to answer from without
    /// resynchronising.
    /// </summary>
    public static readonly TimeSpan Lease = RevocationSubscription.SyncInterval * 3;

    /// <summary>How long a change waits for its subscribers: the trust window of their copies.</summary>
    public static readonly TimeSpan ConfirmationWait = RevocationReplica.TrustWindow;

    private static readonly TimeSpan ConfirmationPoll = TimeSpan.FromMilliseconds(50);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// The subscriptions that are notified: renewed within the lease, and whose last notification did not fail.
    /// </summary>
    public int Notified => _entries.Values.Count(e => e.Observer is not null);

    /// <summary>Whether <paramref name="name"/> is notified of changes now.</summary>
    public bool IsNotified(string name) => _entries.TryGetValue(name, out var entry) && entry.Observer is not null;

    /// <summary>
    /// Whether <paramref name="name"/> is known to the table (notified, or still waited for after it lapsed).
    /// </summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>
    /// Subscribes or renews: the observer is notified for one more <see cref="Lease"/>.
    /// <paramref name="syncedVersion"/> is the version the subscriber is known to hold (-1 when unknown).
    /// </summary>
    public void Renew(RevocationSubscriber who, IRevocationObserver observer, long syncedVersion)
    {
        if (!_entries.TryGetValue(who.Name, out var entry))
        {
            _entries[who.Name] = entry = new Entry(who);
        }

        entry.Observer = observer;
        entry.GivenUpOn = false;
        entry.RenewedAt = time.GetTimestamp();
        entry.SyncedVersion = Math.Max(entry.SyncedVersion, syncedVersion);
    }

    /// <summary>The subscriber holds every change up to <paramref name="version"/>.</summary>
    public void Acknowledge(string name, long version)
    {
        if (_entries.TryGetValue(name, out var entry))
        {
            entry.SyncedVersion = Math.Max(entry.SyncedVersion, version);
        }
    }

    /// <summary>A subscriber that leaves: no longer notified nor waited for.</summary>
    public void Remove(string name) => _entries.Remove(name);

    /// <summary>
    /// Applies the leases before a change: subscriptions not renewed within one lease are no longer notified, API hosts
    /// not renewed within two and silos the membership declared dead are forgotten. Returns the API hosts the change
    /// waits for: every one still known, its subscription expired or not.
    /// </summary>
    public List<string> Expire(Func<SiloAddress, bool> isDead)
    {
        var hosts = new List<string>();
        foreach (var (name, entry) in _entries.ToList())
        {
            var silent = time.GetElapsedTime(entry.RenewedAt);
            if (entry.Who.Silo is { } silo ? isDead(silo) : silent >= Lease * 2)
            {
                _entries.Remove(name);
                if (!entry.Who.IsSilo)
                {
                    LogHostForgotten(logger, name);
                }

                continue;
            }

            if (silent >= Lease && entry.Observer is not null)
            {
                entry.Observer = null;
                LogExpired(logger, name);
            }

            if (!entry.Who.IsSilo)
            {
                hosts.Add(name);
            }
        }

        return hosts;
    }

    /// <summary>
    /// Notifies every notified subscriber, silos before API hosts when <paramref name="silosFirst"/> (hosts copy
    /// answers from silos: a host that drops its copies must not take them again from a silo that has not heard yet).
    /// Returns the answers of those that applied the change; the others are not notified again until they renew.
    /// </summary>
    public async Task<Dictionary<string, T>> NotifyAsync<T>(
        Func<IRevocationObserver, Task<T>> notify, TimeSpan timeout, bool silosFirst)
    {
        var answers = new Dictionary<string, T>(StringComparer.Ordinal);
        var subscribers = _entries.Values.Where(e => e.Observer is not null).ToArray();
        if (silosFirst)
        {
            await NotifyAsync(subscribers.Where(e => e.Who.IsSilo), notify, timeout, answers);
            await NotifyAsync(subscribers.Where(e => !e.Who.IsSilo), notify, timeout, answers);
        }
        else
        {
            await NotifyAsync(subscribers, notify, timeout, answers);
        }

        return answers;
    }

    /// <summary>
    /// Waits until every silo <paramref name="activeSilos"/> names (asked again at each check: a silo that leaves is no
    /// longer waited for) and every one of <paramref name="hosts"/> has <paramref name="version"/>, or
    /// <see cref="ConfirmationWait"/> has passed; names those that have not. A subscriber that is not notified and let
    /// a whole wait pass is named at once by the waits that follow, until it renews: one unresponsive subscriber costs
    /// the changes behind it nothing more than one wait.
    /// </summary>
    public async Task<Confirmations> WaitForConfirmationsAsync(
        long version, Func<IEnumerable<string>> activeSilos, IReadOnlyList<string> hosts, IReadOnlySet<string> notified)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var (confirmedSilos, missingSilos) = Confirm(activeSilos(), version, notified);
            var (confirmedHosts, missingHosts) = Confirm(hosts, version, notified);
            var missing = missingSilos.Concat(missingHosts).ToList();
            var onlyGivenUp = missing.All(IsGivenUpOn);
            if (onlyGivenUp || time.GetElapsedTime(started) >= ConfirmationWait)
            {
                // Logged when a wait ends without someone, not again for each change that names them at once.
                if (!onlyGivenUp)
                {
                    LogUnconfirmed(logger, missing.Count, string.Join(", ", missing));
                }

                GiveUpOn(missing);

                return new Confirmations(confirmedSilos, missingSilos, confirmedHosts, missingHosts);
            }

            await Task.Delay(ConfirmationPoll, time);
        }
    }

    private async Task NotifyAsync<T>(
        IEnumerable<Entry> subscribers,
        Func<IRevocationObserver, Task<T>> notify,
        TimeSpan timeout,
        Dictionary<string, T> answers)
    {
        var calls = subscribers.Select(async entry =>
        {
            var observer = entry.Observer!;
            try
            {
                return (Entry: entry, Observer: observer, Answered: true,
                    Answer: await notify(observer).WaitAsync(timeout, time));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogNotifyFailed(logger, entry.Who.Name, ex.GetType().Name);
                return (Entry: entry, Observer: observer, Answered: false, Answer: default(T)!);
            }
        }).ToArray();

        foreach (var (entry, observer, answered, answer) in await Task.WhenAll(calls))
        {
            if (answered)
            {
                answers[entry.Who.Name] = answer;
            }
            else if (ReferenceEquals(entry.Observer, observer))
            {
                // A renewal meanwhile brought a fresh observer, which is kept.
                entry.Observer = null;
            }
        }
    }

    private bool IsGivenUpOn(string name) => _entries.TryGetValue(name, out var entry) && entry.GivenUpOn;

    private void GiveUpOn(IEnumerable<string> missing)
    {
        foreach (var name in missing)
        {
            if (_entries.TryGetValue(name, out var entry) && entry.Observer is null)
            {
                entry.GivenUpOn = true;
            }
        }
    }

    private (int Confirmed, List<string> Missing) Confirm(
        IEnumerable<string> required, long version, IReadOnlySet<string> notified)
    {
        var confirmed = 0;
        var missing = new List<string>();
        foreach (var name in required)
        {
            if (notified.Contains(name)
                || (_entries.TryGetValue(name, out var entry) && entry.SyncedVersion >= version))
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

    /// <summary>Who confirmed a change, and who did not within the wait.</summary>
    public sealed record Confirmations(
        int ConfirmedSilos, List<string> UnconfirmedSilos, int ConfirmedHosts, List<string> UnconfirmedHosts);

    private sealed class Entry(RevocationSubscriber who)
    {
        public RevocationSubscriber Who { get; } = who;

        /// <summary>Null once the subscription expired or a notification failed, until the subscriber renews.</summary>
        public IRevocationObserver? Observer { get; set; }

        /// <summary>
        /// A wait ended without it while it was not notified: the next waits do not wait for it, until it renews.
        /// </summary>
        public bool GivenUpOn { get; set; }

        /// <summary>The subscriber has every change up to this version.</summary>
        public long SyncedVersion { get; set; } = -1;

        /// <summary>
        /// When the subscription was last renewed (a <see cref="TimeProvider.GetTimestamp"/> reading).
        /// </summary>
        public long RenewedAt { get; set; }
    }

    [LoggerMessage(
        EventId = 2413,
        Level = LogLevel.Warning,
        Message = "Subscriber {Subscriber} did not apply a change ({ErrorType}); it is no longer notified until it "
            + "subscribes again, and catches up then.")]
    private static partial void LogNotifyFailed(ILogger logger, string subscriber, string errorType);

    [LoggerMessage(
        EventId = 2414,
        Level = LogLevel.Warning,
        Message = "{Count} subscriber(s) had not confirmed a change when the wait ended: {Subscribers}.")]
    private static partial void LogUnconfirmed(ILogger logger, int count, string subscribers);

    [LoggerMessage(
        EventId = 2603,
        Level = LogLevel.Warning,
        Message = "Subscriber {Subscriber} has not renewed its subscription for a lease; it is no longer notified, and "
            + "changes name it unconfirmed until it renews.")]
    private static partial void LogExpired(ILogger logger, string subscriber);

    [LoggerMessage(
        EventId = 2622,
        Level = LogLevel.Warning,
        Message = "API host {Subscriber} has not renewed its revocation subscription for two leases; changes no longer "
            + "wait for it (it resynchronises before it answers again).")]
    private static partial void LogHostForgotten(ILogger logger, string subscriber);
}
