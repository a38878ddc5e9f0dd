using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Grains.Revocation;
using Orleans.Storage;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace AuthCache.Tests.Grains.Revocation;

/// <summary>A storage that fails a write costs a revocation its durability, never its effect.</summary>
public sealed class RevocationStorageFailureTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo
            .UseInMemoryReminderService()
            .AddFaultInjectionMemoryStorage(AuthCacheStorage.Name)
            .AddAuthCacheGrains());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private const string Issuer = "https://issuer.example";

    private IRevocationListGrain List => _cluster.Client.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);

    // The fault grain is keyed by the state's name: each committed batch is a segment of its own.
    private IStorageFaultGrain Faults => _cluster.Client.GetGrain<IStorageFaultGrain>(RevocationLog.SegmentStateName);

    // A fresh cluster's list writes its first batches to the first segments, in order.
    private GrainId Segment(long number) => RevocationLog.SegmentId(List.GetGrainId(), number);

    [Fact]
    public async Task A_revocation_that_cannot_be_persisted_is_still_applied_on_every_silo_and_says_so()
    {
        var subject = "user_" + Guid.NewGuid().ToString("N");
        await Faults.AddFaultOnWrite(Segment(0), new InvalidOperationException("storage is down"));

        var failed = await List.RevokeAsync(RevocationKind.Subject, Issuer, subject);
        var next = await List.RevokeAsync(RevocationKind.Session, Issuer, "sess_" + Guid.NewGuid().ToString("N"));

        Assert.False(failed.Persisted);
        Assert.Equal(2, failed.ConfirmedSilos);
        Assert.All(_cluster.Silos, silo => Assert.True(silo.ServiceProvider.GetRequiredService<RevocationReplica>()
            .IsRevoked(new RevocationCandidate("unrelated-hash", [], subject, failed.Record.RevokedAt, Issuer))));
        Assert.True(next.Persisted);
        Assert.Equal(2, next.ActiveRevocations);
    }

    [Fact]
    public async Task A_write_that_finds_its_segment_taken_is_written_again()
    {
        await List.RevokeAsync(RevocationKind.Session, Issuer, "sess_" + Guid.NewGuid().ToString("N"));
        await Faults.AddFaultOnWrite(Segment(1), new InconsistentStateException("another writer"));

        var outcome = await List.RevokeAsync(RevocationKind.Subject, Issuer, "user_" + Guid.NewGuid().ToString("N"));

        Assert.True(outcome.Persisted);
        Assert.Equal(2, outcome.ActiveRevocations);
    }
}
