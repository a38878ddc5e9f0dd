namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>2 silos and 2 API hosts that no test disturbs: the tests that stop processes start their own cluster.</summary>
public sealed class SteadyClusterFixture : IAsyncLifetime
{
    public LocalCluster Cluster { get; private set; } = null!;

    // These tests assert that answers come from the cluster; on a busy 2-core CI machine a grain call can take
    // longer than the defaults (250 ms before the hosts hedge, 2 s before they fall back), so they get more
    // patience here.
    public async Task InitializeAsync() => Cluster = await LocalCluster.StartAsync(
        silos: 2,
        apiHosts: 2,
        new Dictionary<string, string> { ["AuthCache__GrainCallTimeout"] = "00:00:10", ["AuthCache__FallbackAfter"] = "00:00:10" });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SteadyClusterCollection : ICollectionFixture<SteadyClusterFixture>
{
    public const string Name = "steady-cluster";
}
