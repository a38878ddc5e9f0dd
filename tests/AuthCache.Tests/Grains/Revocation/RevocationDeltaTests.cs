using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Revocation;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Grains.Revocation;

/// <summary>
/// What a copy of the revocation list receives when it resynchronises on a real 2-silo cluster: only what it missed
/// while the list's log of recent batches covers its version, the whole list when it does not. Its own cluster: the
/// tests count every record the list answers, which other tests' revocations would add to.
/// </summary>
public sealed class RevocationDeltaTests : IAsyncLifetime
{
    private readonly ClusterFixture _fixture = new();
    private IRevocationObserver _observer = null!;

    public async Task InitializeAsync()
    {
        await _fixture.InitializeAsync();
        _observer = _fixture.Cluster.Client.CreateObjectReference<IRevocationObserver>(new IgnoringObserver());
    }

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private IRevocationListGrain List => _fixture.Grains.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private Task<RevocationOutcome> RevokeSessionAsync() => List.RevokeAsync(RevocationKind.Session, _fixture.Issuer.Issuer, NewId("sess_"));

    /// <summary>A host that synchronised once, then went away (no longer subscribed, so no revocation waits for it).</summary>
    private async Task<(RevocationSubscriber Host, RevocationSync Synchronised)> HostThatWentAwayAsync()
    {
        var host = RevocationSubscriber.ForHost(NewId("host-"));
        var synchronised = await List.SubscribeAsync(host, _observer, Guid.Empty, 0);
        await List.UnsubscribeAsync(host.Name);
        return (host, synchronised);
    }

    [Fact]
    public async Task A_replica_that_missed_N_revocations_receives_exactly_those_N_and_the_invalidations_it_missed_on_resync()
    {
        await RevokeSessionAsync();
        var (host, synchronised) = await HostThatWentAwayAsync();
        Assert.False(synchronised.IsDelta);
        Assert.NotEmpty(synchronised.Records!);

        var missed = new List<RevocationRecord>();
        for (var i = 0; i < 5; i++)
        {
            missed.AddRange((await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RevokeSessionAsync()))).Select(o => o.Record));
        }

        await _fixture.Grains.GetGrain<ICacheAdminGrain>(0).CleanupAsync(CacheEvictionScope.Expired);

        var resync = await List.SubscribeAsync(host, _observer, synchronised.Epoch, synchronised.Version);

        Assert.True(resync.IsDelta);
        Assert.Equal(missed.Count, resync.Records!.Count);
        Assert.Equal(missed.ToHashSet(), resync.Records.ToHashSet());
        Assert.Equal(new CacheCleared(CacheEvictionScope.Expired), Assert.Single(resync.Invalidations!));

        var again = await List.SubscribeAsync(host, _observer, resync.Epoch, resync.Version);
        Assert.Null(again.Records);
    }

    [Fact]
    public async Task After_the_list_moves_a_copy_one_batch_behind_receives_that_batch_as_a_delta_not_the_whole_set()
    {
        await RevokeSessionAsync();
        var (host, synchronised) = await HostThatWentAwayAsync();
        var missed = await RevokeSessionAsync();

        await _fixture.Cluster.DeactivateAsync(List);
        var resync = await List.SubscribeAsync(host, _observer, synchronised.Epoch, synchronised.Version);

        Assert.Equal(synchronised.Epoch, resync.Epoch);
        Assert.True(resync.IsDelta);
        Assert.Equal([missed.Record], resync.Records);
    }

    [Fact]
    public async Task A_replica_older_than_the_log_of_recent_batches_receives_the_whole_set()
    {
        var (host, synchronised) = await HostThatWentAwayAsync();
        var revoked = new List<RevocationRecord>();
        (RevocationSubscriber Host, RevocationSync Synchronised)? recentHost = null;
        while (revoked.Count <= RecentBatches.MaxRecords)
        {
            if (revoked.Count > RecentBatches.MaxRecords - 1000 && recentHost is null)
            {
                recentHost = await HostThatWentAwayAsync();
            }

            revoked.AddRange((await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => RevokeSessionAsync()))).Select(o => o.Record));
        }

        var resync = await List.SubscribeAsync(host, _observer, synchronised.Epoch, synchronised.Version);

        Assert.False(resync.IsDelta);
        Assert.Equal(synchronised.Records!.Count + revoked.Count, resync.Records!.Count);
        Assert.Subset(resync.Records.ToHashSet(), revoked.ToHashSet());

        // A copy whose version the log still covers gets only what came after it.
        var (later, laterSynchronised) = recentHost!.Value;
        var recent = await List.SubscribeAsync(later, _observer, laterSynchronised.Epoch, laterSynchronised.Version);
        Assert.True(recent.IsDelta);
        Assert.InRange(recent.Records!.Count, 1, 2000);
    }

    [Fact]
    public async Task A_copy_merges_a_delta_and_keeps_its_copies_of_answers()
    {
        var replica = TestReplica.Create(new StaticOptionsMonitor<AuthCacheOptions>(new AuthCacheOptions()), _fixture.Time, new FakeTimeProvider(), synchronised: false);
        var heard = new List<ReplicaChange>();
        using var listening = replica.Subscribe(new Listener(heard));
        await using var subscription = new RevocationSubscription(
            _fixture.Grains, replica, RevocationSubscriber.ForHost(NewId("host-")), TimeProvider.System, NullLogger<RevocationSubscription>.Instance);
        var before = await RevokeSessionAsync();
        await subscription.SyncAsync();
        Assert.True(replica.Contains(before.Record));

        // Away: no notification reaches it, so what it learns next comes from its resynchronisation.
        await subscription.StopAsync(CancellationToken.None);
        heard.Clear();
        var missed = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RevokeSessionAsync()));
        await subscription.SyncAsync();

        Assert.All(missed, m => Assert.True(replica.Contains(m.Record)));
        Assert.DoesNotContain(heard, change => change is ReplicaResynchronised);
        Assert.Equal(3, heard.OfType<RevocationsLearned>().Sum(l => l.Records.Count));
    }

    private sealed class IgnoringObserver : IRevocationObserver
    {
        public Task<int> OnRevokedAsync(IReadOnlyList<RevocationRecord> records, Guid epoch, long version) => Task.FromResult(0);

        public Task<InvalidationApplied> OnInvalidatedAsync(CacheInvalidation invalidation, Guid epoch, long version) => Task.FromResult(new InvalidationApplied(0, 0));
    }

    private sealed class Listener(List<ReplicaChange> heard) : IRevocationReplicaListener
    {
        public ValueTask<int> OnReplicaChangedAsync(ReplicaChange change)
        {
            lock (heard)
            {
                heard.Add(change);
            }

            return ValueTask.FromResult(0);
        }
    }
}
