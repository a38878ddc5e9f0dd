using AuthCache.Grains;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace AuthCache.Tests.Infrastructure;

/// <summary>A TestingHost cluster of one silo with the AuthCache grains and in-memory storage, configured by <c>settings</c>.</summary>
public static class OneSiloCluster
{
    public static async Task<InProcessTestCluster> DeployAsync(IDictionary<string, string?> settings)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureHost(host => host.Configuration.AddInMemoryCollection(settings));
        builder.ConfigureSilo((_, silo) => silo.AddAuthCacheLocalPersistence().AddAuthCacheGrains());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
