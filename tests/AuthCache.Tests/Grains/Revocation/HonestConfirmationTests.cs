using System.Diagnostics.Metrics;
using AuthCache.AspNetCore.Caching;
using AuthCache.AspNetCore.Revocation;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Revocation;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Grains.Revocation;

/// <summary>
/// A revocation answers as confirmed only when every API host subscribed in the last lease has it, and a host that
/// missed one (frozen, partitioned) resynchronises before it answers again. The host here is a real
/// <see cref="RevocationSubscription"/> with its copy and its <see cref="ReplicaFreshness"/>, reaching a real 2-silo
/// cluster through a <see cref="FreezableGrainFactory"/>; its own clock is fake, so the time it spends frozen is what the
/// test says. Each test has its own cluster: a host that does not confirm makes every revocation wait.
/// </summary>
public sealed class HonestConfirmationTests : IAsyncLifetime
{
    private readonly ClusterFixture _fixture = new();
    private readonly FakeTimeProvider _hostTime = new();
    private readonly StaticOptionsMonitor<AuthCacheOptions> _options = new(new AuthCacheOptions());
    private readonly IMeterFactory _meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private IRevocationListGrain List => _fixture.Grains.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private RevocationCandidate TokenOfSession(string sid) => new(NewId("hash-"), [sid], "user_1", null, _fixture.Issuer.Issuer);

    private sealed record Host(RevocationSubscriber Identity, RevocationReplica Replica, RevocationSubscription Subscription, FreezableGrainFactory Process, ClusterAvailability Cluster, ReplicaFreshness Freshness);

    private async Task<Host> StartHostAsync()
    {
        var replica = TestReplica.Create(_options, _fixture.Time, _hostTime, synchronised: false);
        var process = new FreezableGrainFactory(_fixture.Grains);
        var identity = RevocationSubscriber.ForHost(NewId("host-"));
        var subscription = new RevocationSubscription(process, replica, identity, _hostTime, NullLogger<RevocationSubscription>.Instance);
        subscription.Start();
        await replica.Ready.WaitAsync(TimeSpan.FromSeconds(30));
        var cluster = new ClusterAvailability(NullLogger<ClusterAvailability>.Instance);
        return new Host(identity, replica, subscription, process, cluster, new ReplicaFreshness(replica, cluster, _options, _hostTime, new RevocationMetrics(_meters)));
    }

    /// <summary>Counts <c>authcache.revocation.stale_replica_answers</c> of this test's meters only.</summary>
    private sealed class StaleAnswers : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public StaleAnswers(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "authcache.revocation.stale_replica_answers" && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task A_host_frozen_during_a_revocation_then_resumed_and_immediately_asked_refuses_the_revoked_token()
    {
        var host = await StartHostAsync();
        await using var _ = host.Subscription;
        var sid = NewId("sess_");

        host.Process.Freeze();
        var outcome = await List.RevokeAsync(RevocationKind.Session, _fixture.Issuer.Issuer, sid);

        Assert.False(outcome.Confirmed);
        Assert.Contains(host.Identity.Name, outcome.UnconfirmedHosts);
        Assert.False(host.Replica.IsRevoked(TokenOfSession(sid)));

        // Frozen for longer than its copy may lag; resumed, and asked at once.
        _hostTime.Advance(_options.CurrentValue.Revocation.MaxReplicaLag + TimeSpan.FromSeconds(1));
        host.Process.Resume();
        await host.Freshness.EnsureCurrentAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(host.Replica.IsRevoked(TokenOfSession(sid)));
    }

    [Fact]
    public async Task A_host_that_cannot_reach_the_cluster_answers_with_its_copy_after_FallbackAfter_and_counts_each_such_answer()
    {
        var host = await StartHostAsync();
        await using var _ = host.Subscription;
        using var stale = new StaleAnswers(_meters);

        // In touch with the cluster: nothing to wait for, nothing counted.
        Assert.True(host.Freshness.EnsureCurrentAsync().IsCompletedSuccessfully);

        host.Process.Freeze();
        _hostTime.Advance(_options.CurrentValue.Revocation.MaxReplicaLag + TimeSpan.FromSeconds(1));
        var asked = host.Freshness.EnsureCurrentAsync().AsTask();
        Assert.False(asked.IsCompleted);
        Assert.Equal(0, stale.Count);

        _hostTime.Advance(_options.CurrentValue.FallbackAfter);
        await asked.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, stale.Count);

        // Once its grain calls fail too, the host knows the cluster is gone and does not wait again.
        host.Cluster.Failed(new TimeoutException());
        Assert.True(host.Freshness.EnsureCurrentAsync().IsCompletedSuccessfully);
        Assert.Equal(2, stale.Count);
        host.Process.Resume();
    }

    [Fact]
    public async Task A_host_whose_lease_lapsed_while_it_was_subscribed_is_named_unconfirmed_not_dropped()
    {
        var host = await StartHostAsync();
        await using var _ = host.Subscription;
        host.Process.Freeze();

        // Silent for longer than its lease: it renews nothing and takes no notification.
        await Task.Delay(SubscriberTable.Lease + TimeSpan.FromSeconds(1));
        var outcome = await List.RevokeAsync(RevocationKind.Session, _fixture.Issuer.Issuer, NewId("sess_"));

        Assert.False(outcome.Confirmed);
        Assert.Equal([host.Identity.Name], outcome.UnconfirmedHosts);
        Assert.Empty(outcome.UnconfirmedSilos);
        host.Process.Resume();
    }
}
