using AuthCache.Core;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Grains.Revocation;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;

namespace AuthCache.Tests.Grains.Revocation;

/// <summary>
/// What the revocation list writes to storage: one record per committed batch, answered only once durable, and
/// deleted in the background once expired. A silo whose in-memory storage is seen through
/// <see cref="RecordingGrainStorage"/>; each test has its own cluster, since it counts every write.
/// </summary>
public sealed class RevocationStorageTests : IAsyncLifetime
{
    private const string Issuer = "https://issuer.example";

    // No issuer configured: every revocation is kept for the default token lifetime (one hour) plus the clock skew.
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1) + TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureHost(host => host.Services.AddSingleton(new AuthCacheClock(_time)));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseInMemoryReminderService().AddMemoryGrainStorage("inner").AddAuthCacheGrains();
            silo.Services.AddKeyedSingleton<IGrainStorage>(AuthCacheStorage.Name, (services, _) => new RecordingGrainStorage(
                services.GetRequiredKeyedService<IGrainStorage>("inner"),
                services.GetRequiredService<IGrainStorageSerializer>()));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IRevocationListGrain List => _cluster.Client.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);

    private RecordingGrainStorage Storage => (RecordingGrainStorage)_cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(AuthCacheStorage.Name);

    private Task<IReadOnlyList<RevocationRecord>> StoredAsync() => StoredRevocationList.ReadAsync(Storage, List.GetGrainId());

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private Task<RevocationOutcome> RevokeSessionAsync() => List.RevokeAsync(RevocationKind.Session, Issuer, NewId("sess_"));

    [Fact]
    public async Task A_thousand_parallel_revocations_are_committed_together_and_each_answers_only_once_it_is_durable()
    {
        await RevokeSessionAsync();
        var writesBefore = Storage.Writes.Count(w => w.StateName == RevocationLog.SegmentStateName);

        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            var outcome = await RevokeSessionAsync();
            return (outcome, durableWhenAnswered: Storage.IsDurable(outcome.Record));
        }));

        Assert.All(answers, a => Assert.True(a.outcome.Persisted && a.durableWhenAnswered, "A revocation answered before it was durable."));
        var segmentWrites = Storage.Writes.Count(w => w.StateName == RevocationLog.SegmentStateName) - writesBefore;
        Assert.True(segmentWrites < 1000, $"{segmentWrites} writes for 1000 concurrent revocations: they were not committed together.");

        // A new activation finds every one of them in storage.
        await _cluster.DeactivateAsync(List);
        var stored = await StoredAsync();
        Assert.All(answers, a => Assert.Contains(a.outcome.Record, stored));
        Assert.Equal(1002, (await RevokeSessionAsync()).ActiveRevocations);
    }

    [Fact]
    public async Task The_bytes_written_for_a_revocation_do_not_grow_with_the_list()
    {
        var sizes = new List<int>();
        for (var i = 0; i < 300; i++)
        {
            var before = Storage.Writes.Count;
            await RevokeSessionAsync();
            sizes.Add(Storage.Writes.Skip(before).Where(w => w.StateName == RevocationLog.SegmentStateName).Sum(w => w.Bytes));
        }

        Assert.All(sizes, size => Assert.InRange(size, sizes[0] * 0.8, sizes[0] * 1.2));
        Assert.True(sizes[^1] < 1024, $"The 300th revocation wrote {sizes[^1]} bytes.");
    }

    [Fact]
    public async Task Expired_segments_are_deleted_while_new_revocations_are_committed_and_nothing_unexpired_is_lost()
    {
        var old = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => RevokeSessionAsync()));
        _time.Advance(Retention);

        // The first commit past the retention starts the compaction; the rest race it.
        var fresh = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => RevokeSessionAsync()));

        await Poll.UntilAsync(async () => !(await StoredAsync()).Any(r => old.Any(o => o.Record == r)), TimeSpan.FromSeconds(30), "the expired revocations deleted from storage");
        var stored = await StoredAsync();
        Assert.All(fresh, f => Assert.Contains(f.Record, stored));

        await _cluster.DeactivateAsync(List);
        var afterRestart = await RevokeSessionAsync();
        Assert.Equal(201, afterRestart.ActiveRevocations);
        var storedAfterRestart = await StoredAsync();
        Assert.All(fresh, f => Assert.Contains(f.Record, storedAfterRestart));
    }
}
