using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Grains.Revocation;
using AuthCache.Tests.Infrastructure;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace AuthCache.Tests.Grains.Revocation;

/// <summary>
/// Revocation segments read back from storage are believed only with the authentication code the silos' state
/// protection key gives them, for their own place in the log.
/// </summary>
public sealed class RevocationSegmentProtectionTests : IAsyncLifetime
{
    private const string Issuer = "https://issuer.example";

    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureHost(host => host.Configuration["Orleans:StateProtection:Key"] = ClusterFixture.StateProtectionKey);
        builder.ConfigureSilo((_, silo) => silo.UseInMemoryReminderService().AddMemoryGrainStorage(AuthCacheStorage.Name).AddAuthCacheGrains());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IRevocationListGrain List => _cluster.Client.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);

    private IGrainStorage Storage => _cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(AuthCacheStorage.Name);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Segments_written_or_edited_in_storage_without_the_key_are_not_believed_when_the_list_reactivates()
    {
        var first = await List.RevokeAsync(RevocationKind.Session, Issuer, NewId("sess_"));
        var second = await List.RevokeAsync(RevocationKind.Session, Issuer, NewId("sess_"));
        Assert.True(first.Persisted && second.Persisted);
        Assert.Equal(2, second.ActiveRevocations);

        var list = List.GetGrainId();
        var genuine = await ReadSegmentAsync(list, 0);
        Assert.NotNull(genuine.Mac);
        var now = DateTimeOffset.UtcNow;

        // Behind the list: a segment without a code, and one with a genuine code taken from another place in the log.
        await WriteSegmentAsync(list, 2, new RevocationSegment(genuine.Epoch, 3, Forged(now)));
        await WriteSegmentAsync(list, 3, genuine with { Version = 4, Records = Forged(now) });

        await _cluster.DeactivateAsync(List);
        var next = await List.RevokeAsync(RevocationKind.Session, Issuer, NewId("sess_"));

        Assert.True(next.Persisted);
        Assert.Equal(3, next.ActiveRevocations);
    }

    // A list type the storage serializer may name (a collection expression's own type is not allowed back in).
    private static List<RevocationRecord> Forged(DateTimeOffset now) => [new RevocationRecord(RevocationKind.Subject, NewId("user_"), now, Issuer)];

    private async Task<RevocationSegment> ReadSegmentAsync(GrainId list, long number)
    {
        var state = new GrainState<RevocationSegment>();
        await Storage.ReadStateAsync(RevocationLog.SegmentStateName, RevocationLog.SegmentId(list, number), state);
        Assert.True(state.RecordExists);
        return state.State!;
    }

    private Task WriteSegmentAsync(GrainId list, long number, RevocationSegment segment) =>
        Storage.WriteStateAsync(RevocationLog.SegmentStateName, RevocationLog.SegmentId(list, number), new GrainState<RevocationSegment>(segment));
}
