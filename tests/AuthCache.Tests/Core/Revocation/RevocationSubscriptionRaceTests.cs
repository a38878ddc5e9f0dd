using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Core.Revocation;

/// <summary>
/// A subscription that synchronises while revocations are being made, with nothing lost anywhere: a revocation made
/// after the list answered reaches the copy by notification before the copy compares itself with that answer. It is
/// not something the list lost, and the copy must not give it back. Its own cluster: the test holds a subscriber's
/// synchronisation half-way, which other tests' revocations would wait for.
/// </summary>
public sealed class RevocationSubscriptionRaceTests : IAsyncLifetime
{
    private const int GivenBackEvent = 2404;

    private readonly ClusterFixture _fixture = new();
    private readonly LogCapture _logs = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _fixture.DisposeAsync();
        _logs.Dispose();
    }

    private IRevocationListGrain List => _fixture.Grains.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_revocation_notified_while_a_synchronisation_is_under_way_is_not_given_back_as_lost()
    {
        await List.RevokeAsync(RevocationKind.Session, _fixture.Issuer.Issuer, NewId("sess_"));
        var replica = TestReplica.Create(new StaticOptionsMonitor<AuthCacheOptions>(new AuthCacheOptions()), _fixture.Time, new FakeTimeProvider(), synchronised: false);
        var gate = new FirstChangeGate();
        using var listening = replica.Subscribe(gate);
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(_logs));
        await using var subscription = new RevocationSubscription(
            _fixture.Grains, replica, RevocationSubscriber.ForHost(NewId("host-")), TimeProvider.System, loggers.CreateLogger<RevocationSubscription>());

        // The list has answered the synchronisation; the copy is still applying that answer when the next revocation
        // is made, and it is notified of that one (the list waits for it) before it compares itself with the answer.
        var synchronising = subscription.SyncAsync();
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var later = await List.RevokeAsync(RevocationKind.Session, _fixture.Issuer.Issuer, NewId("sess_"));
        Assert.True(later.Confirmed);
        Assert.True(replica.Contains(later.Record));
        gate.Release();
        await synchronising.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.DoesNotContain(_logs.Lines, line => line.Contains($"[{GivenBackEvent}]", StringComparison.Ordinal));
    }

    /// <summary>Holds the first change the copy tells its listeners about until released; lets the others through.</summary>
    private sealed class FirstChangeGate : IRevocationReplicaListener
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _changes;

        public Task Entered => _entered.Task;

        public void Release() => _release.TrySetResult();

        public async ValueTask<int> OnReplicaChangedAsync(ReplicaChange change)
        {
            if (Interlocked.Increment(ref _changes) == 1)
            {
                _entered.TrySetResult();
                await _release.Task;
            }

            return 0;
        }
    }
}
