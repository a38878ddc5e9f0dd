using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Grains.Administration;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AuthCache.Tests.Grains.Security;

/// <summary>
/// The per-silo cache service is a grain service, a system target a client can address by its id: the silo-only call
/// filter must see those calls too, refusing a client and letting the silo's own grains through.
/// </summary>
public sealed class SiloOnlyGrainServiceTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureHost(host => host.Configuration.AddInMemoryCollection(_issuer.Settings()));
        builder.ConfigureSilo((_, silo) => silo.AddAuthCacheLocalPersistence().AddAuthCacheGrains().AddAuthCacheSiloOnlyCalls());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_client_calling_a_silos_cache_service_directly_is_refused_while_the_cluster_statistics_it_serves_to_grains_answer()
    {
        var silo = _cluster.Silos[0];
        var service = silo.ServiceProvider.GetRequiredService<ISiloCacheServiceClient>().On(silo.SiloAddress);
        var fromClient = _cluster.Client.GetGrain<ISiloCacheService>(service.GetGrainId());

        await Assert.ThrowsAsync<UnauthorizedAccessException>(fromClient.GetStatisticsAsync);

        var statistics = await _cluster.Client.GetGrain<ICacheAdminGrain>(0).GetStatisticsAsync();
        Assert.Equal(silo.SiloAddress.ToParsableString(), Assert.Single(statistics.Silos).Silo);
        Assert.Empty(statistics.UnreachableSilos);
    }
}
