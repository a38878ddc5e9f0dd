using System.Net;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Revocation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Grains.Revocation;

/// <summary>
/// The invalidation channel's subscriber table on its own, with a fake clock: leases that expire unless renewed,
/// notification of the subscriptions that hold, and the confirmation wait that names whoever did not confirm.
/// </summary>
public sealed class SubscriberTableTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly SubscriberTable _table;

    public SubscriberTableTests() => _table = new SubscriberTable(_time, NullLogger.Instance);

    private static RevocationSubscriber Host(string name) => RevocationSubscriber.ForHost(name);

    private static RevocationSubscriber Silo(int port) => RevocationSubscriber.ForSilo(SiloAddress.New(IPAddress.Loopback, port, 1));

    [Fact]
    public async Task A_subscription_not_renewed_within_its_lease_is_no_longer_notified_and_a_change_names_it_unconfirmed_until_it_is_forgotten()
    {
        var (lapsing, renewing) = (new CountingObserver(), new CountingObserver());
        _table.Renew(Host("host-a"), lapsing, -1);
        _table.Renew(Host("host-b"), renewing, -1);
        _time.Advance(SubscriberTable.Lease - TimeSpan.FromSeconds(1));
        _table.Renew(Host("host-b"), renewing, -1);
        _time.Advance(TimeSpan.FromSeconds(2));

        var hosts = _table.Expire(_ => false);
        Assert.Equal(["host-a", "host-b"], hosts.Order());
        Assert.False(_table.IsNotified("host-a"));
        Assert.True(_table.IsNotified("host-b"));

        var answers = await _table.NotifyAsync(o => o.OnRevokedAsync([], Guid.Empty, 1), TimeSpan.FromSeconds(5), silosFirst: false);
        Assert.Equal(["host-b"], answers.Keys);
        Assert.Equal(0, lapsing.Calls);
        Assert.Equal(1, renewing.Calls);

        var confirmations = await WaitAsync(_table.WaitForConfirmationsAsync(1, () => [], hosts, answers.Keys.ToHashSet()), SubscriberTable.ConfirmationWait);
        Assert.Equal(["host-a"], confirmations.UnconfirmedHosts);
        Assert.Equal(1, confirmations.ConfirmedHosts);

        // A second lease without renewal: forgotten, no longer waited for.
        _time.Advance(SubscriberTable.Lease);
        Assert.DoesNotContain("host-a", _table.Expire(_ => false));
        Assert.False(_table.Contains("host-a"));
    }

    [Fact]
    public async Task An_expired_subscriber_that_renews_and_catches_up_during_the_wait_is_confirmed()
    {
        _table.Renew(Host("host-a"), new CountingObserver(), -1);
        _time.Advance(SubscriberTable.Lease);
        var hosts = _table.Expire(_ => false);
        var answers = await _table.NotifyAsync(o => o.OnRevokedAsync([], Guid.Empty, 7), TimeSpan.FromSeconds(5), silosFirst: false);
        Assert.Empty(answers);

        var wait = _table.WaitForConfirmationsAsync(7, () => [], hosts, answers.Keys.ToHashSet());
        Assert.False(wait.IsCompleted);
        _table.Renew(Host("host-a"), new CountingObserver(), -1);
        _table.Acknowledge("host-a", 7);

        var confirmations = await WaitAsync(wait, TimeSpan.FromMilliseconds(50));
        Assert.Empty(confirmations.UnconfirmedHosts);
        Assert.Equal(1, confirmations.ConfirmedHosts);
        Assert.True(_table.IsNotified("host-a"));
    }

    [Fact]
    public async Task A_subscriber_that_let_a_whole_wait_pass_is_named_at_once_by_the_next_waits_until_it_renews()
    {
        var frozen = new CountingObserver { Fails = true };
        _table.Renew(Host("host-a"), frozen, -1);
        _table.Renew(Host("host-b"), new CountingObserver(), -1);
        var hosts = _table.Expire(_ => false);
        var answers = await _table.NotifyAsync(o => o.OnRevokedAsync([], Guid.Empty, 1), TimeSpan.FromSeconds(5), silosFirst: false);
        Assert.Equal(["host-b"], answers.Keys);

        // The first change waits the whole time for the subscriber whose notification failed.
        var first = _table.WaitForConfirmationsAsync(1, () => [], hosts, answers.Keys.ToHashSet());
        Assert.False(first.IsCompleted);
        Assert.Equal(["host-a"], (await WaitAsync(first, SubscriberTable.ConfirmationWait)).UnconfirmedHosts);

        // The next one names it without waiting: the clock does not move.
        answers = await _table.NotifyAsync(o => o.OnRevokedAsync([], Guid.Empty, 2), TimeSpan.FromSeconds(5), silosFirst: false);
        var second = await _table.WaitForConfirmationsAsync(2, () => [], hosts, answers.Keys.ToHashSet()).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["host-a"], second.UnconfirmedHosts);
        Assert.Equal(1, second.ConfirmedHosts);
        Assert.Equal(1, frozen.Calls);

        // Once it renews it is waited for again, and confirms by catching up.
        _table.Renew(Host("host-a"), new CountingObserver(), 2);
        var third = _table.WaitForConfirmationsAsync(3, () => [], hosts, new HashSet<string> { "host-b" });
        Assert.False(third.IsCompleted);
        _table.Acknowledge("host-a", 3);
        var caughtUp = await WaitAsync(third, TimeSpan.FromMilliseconds(50));
        Assert.Empty(caughtUp.UnconfirmedHosts);
        Assert.Equal(2, caughtUp.ConfirmedHosts);
    }

    [Fact]
    public async Task An_active_silo_is_waited_for_whatever_its_subscription_and_a_dead_one_is_forgotten()
    {
        var (subscribed, unsubscribed, dead) = (Silo(11111), Silo(11112), Silo(11113));
        _table.Renew(subscribed, new CountingObserver(), -1);
        _table.Renew(dead, new CountingObserver(), -1);

        Assert.Empty(_table.Expire(silo => silo.Equals(dead.Silo)));
        Assert.False(_table.Contains(dead.Name));
        var answers = await _table.NotifyAsync(o => o.OnRevokedAsync([], Guid.Empty, 3), TimeSpan.FromSeconds(5), silosFirst: false);
        Assert.Equal([subscribed.Name], answers.Keys);

        var confirmations = await WaitAsync(
            _table.WaitForConfirmationsAsync(3, () => [subscribed.Name, unsubscribed.Name], [], answers.Keys.ToHashSet()), SubscriberTable.ConfirmationWait);
        Assert.Equal(1, confirmations.ConfirmedSilos);
        Assert.Equal([unsubscribed.Name], confirmations.UnconfirmedSilos);
    }

    [Fact]
    public async Task A_subscriber_whose_notification_fails_is_not_notified_again_until_it_renews()
    {
        var failing = new CountingObserver { Fails = true };
        _table.Renew(Host("host-a"), failing, -1);

        Assert.Empty(await _table.NotifyAsync(o => o.OnRevokedAsync([], Guid.Empty, 1), TimeSpan.FromSeconds(5), silosFirst: false));
        Assert.False(_table.IsNotified("host-a"));
        await _table.NotifyAsync(o => o.OnRevokedAsync([], Guid.Empty, 2), TimeSpan.FromSeconds(5), silosFirst: false);
        Assert.Equal(1, failing.Calls);

        failing.Fails = false;
        _table.Renew(Host("host-a"), failing, -1);
        Assert.Equal(["host-a"], (await _table.NotifyAsync(o => o.OnRevokedAsync([], Guid.Empty, 3), TimeSpan.FromSeconds(5), silosFirst: false)).Keys);
    }

    [Fact]
    public async Task An_invalidation_reaches_the_silos_before_any_api_host()
    {
        var order = new List<string>();
        var silo = new CountingObserver { Heard = order, Name = "silo" };
        var host = new CountingObserver { Heard = order, Name = "host" };
        _table.Renew(Host("host-a"), host, -1);
        _table.Renew(Silo(11111), silo, -1);
        silo.Gate = new TaskCompletionSource();

        var notifying = _table.NotifyAsync(o => o.OnInvalidatedAsync(new CacheCleared(CacheEvictionScope.All), Guid.Empty, 1), TimeSpan.FromSeconds(5), silosFirst: true);
        Assert.Equal(0, host.Calls);
        silo.Gate.SetResult();

        Assert.Equal(2, (await notifying.WaitAsync(TimeSpan.FromSeconds(30))).Count);
        Assert.Equal(["silo", "host"], order);
    }

    /// <summary>Advances the fake clock by <paramref name="step"/> once the wait is pending, then awaits it.</summary>
    private async Task<SubscriberTable.Confirmations> WaitAsync(Task<SubscriberTable.Confirmations> wait, TimeSpan step)
    {
        _time.Advance(step);
        return await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private sealed class CountingObserver : IRevocationObserver
    {
        public int Calls;

        public bool Fails { get; set; }

        public TaskCompletionSource? Gate { get; set; }

        public List<string>? Heard { get; init; }

        public string Name { get; init; } = "";

        public Task<int> OnRevokedAsync(IReadOnlyList<RevocationRecord> records, Guid epoch, long version) => AnswerAsync(0);

        public Task<InvalidationApplied> OnInvalidatedAsync(CacheInvalidation invalidation, Guid epoch, long version) => AnswerAsync(new InvalidationApplied(0, 0));

        private async Task<T> AnswerAsync<T>(T answer)
        {
            Interlocked.Increment(ref Calls);
            if (Gate is { } gate)
            {
                await gate.Task;
            }

            lock (Heard ?? [])
            {
                Heard?.Add(Name);
            }

            return Fails ? throw new TimeoutException("The subscriber did not answer.") : answer;
        }
    }
}
