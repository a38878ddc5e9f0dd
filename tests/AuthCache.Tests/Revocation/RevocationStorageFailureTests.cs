using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Grains.Revocation;
using Orleans.Storage;
using Orleans.TestingHost;

namespace AuthCache.Tests.Revocation;

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

    // The fault grain is keyed by the state's name ("revocations", the list's persistent state).
    private IStorageFaultGrain Faults => _cluster.Client.GetGrain<IStorageFaultGrain>("revocations");

    [Fact]
    public async Task A_revocation_that_cannot_be_persisted_is_still_applied_on_every_silo_and_says_so()
    {
        var subject = "user_" + Guid.NewGuid().ToString("N");
        await Faults.AddFaultOnWrite(List.GetGrainId(), new InvalidOperationException("storage is down"));

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
    public async Task A_write_conflict_is_merged_and_written_again()
    {
        await List.RevokeAsync(RevocationKind.Session, Issuer, "sess_" + Guid.NewGuid().ToString("N"));
        await Faults.AddFaultOnWrite(List.GetGrainId(), new InconsistentStateException("another writer"));

        var outcome = await List.RevokeAsync(RevocationKind.Subject, Issuer, "user_" + Guid.NewGuid().ToString("N"));

        Assert.True(outcome.Persisted);
        Assert.Equal(2, outcome.ActiveRevocations);
    }
}
