using AuthCache.Grains;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.TestingHost;

namespace AuthCache.Tests.Grains;

/// <summary>The Orleans settings that keep an idle silo from waking its thread pool more often than their purpose needs.</summary>
public sealed class IdleWakeupTests
{
    [Fact]
    public async Task A_silo_samples_dashboard_counters_every_5_seconds_and_looks_for_idle_stateless_workers_every_30()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddAuthCacheLocalPersistence().AddAuthCacheGrains());
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var services = cluster.Silos[0].ServiceProvider;

        Assert.Equal(5000, services.GetRequiredService<IOptions<DashboardOptions>>().Value.CounterUpdateIntervalMs);
        var workers = services.GetRequiredService<IOptions<StatelessWorkerOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(30), workers.IdleWorkersInspectionPeriod);
        Assert.True(workers.RemoveIdleWorkers);
    }
}
