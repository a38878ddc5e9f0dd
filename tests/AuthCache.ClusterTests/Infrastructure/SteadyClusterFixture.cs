namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>2 silos and 2 API hosts that no test disturbs: the tests that stop processes start their own cluster.</summary>
public sealed class SteadyClusterFixture : IAsyncLifetime
{
    public LocalCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await LocalCluster.StartAsync(silos: 2, apiHosts: 2);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SteadyClusterCollection : ICollectionFixture<SteadyClusterFixture>
{
    public const string Name = "steady-cluster";
}
