using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace AuthCache.Tests.Core.Options;

/// <summary>AuthCache:MemoryShedding: its defaults, its validation at start, and what a silo makes of it.</summary>
public sealed class MemorySheddingOptionsTests
{
    [Fact]
    public void Shedding_is_on_by_default_from_80_down_to_70_percent_polled_every_5_seconds()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddAuthCacheCore();

        var shedding = services.BuildServiceProvider().GetRequiredService<IOptions<AuthCacheOptions>>().Value.MemoryShedding;

        Assert.True(shedding.Enabled);
        Assert.Equal(80, shedding.LimitPercentage);
        Assert.Equal(70, shedding.TargetPercentage);
        Assert.Equal(TimeSpan.FromSeconds(5), shedding.PollingPeriod);
    }

    [Theory]
    [InlineData("AuthCache:MemoryShedding:LimitPercentage", "0", "LimitPercentage")]
    [InlineData("AuthCache:MemoryShedding:LimitPercentage", "101", "LimitPercentage")]
    [InlineData("AuthCache:MemoryShedding:TargetPercentage", "80", "TargetPercentage")]
    [InlineData("AuthCache:MemoryShedding:TargetPercentage", "0", "TargetPercentage")]
    [InlineData("AuthCache:MemoryShedding:PollingPeriod", "00:00:00", "PollingPeriod")]
    [InlineData("AuthCache:MemoryShedding:PollingPeriod", "00:10:00", "PollingPeriod")]
    public async Task Shedding_thresholds_that_could_never_hold_stop_the_host_at_start(string key, string value, string expectedMessage)
    {
        using var host = BuildHost(new() { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expectedMessage, error.Message);
    }

    [Fact]
    public async Task Disabled_shedding_does_not_judge_its_unused_thresholds()
    {
        using var host = BuildHost(new()
        {
            ["AuthCache:MemoryShedding:Enabled"] = "false",
            ["AuthCache:MemoryShedding:TargetPercentage"] = "95",
        });

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task A_silo_hands_the_shedding_settings_to_orleans_grain_collection()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureHost(host => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthCache:MemoryShedding:LimitPercentage"] = "65",
            ["AuthCache:MemoryShedding:TargetPercentage"] = "55",
            ["AuthCache:MemoryShedding:PollingPeriod"] = "00:00:02",
        }));
        builder.ConfigureSilo((_, silo) => silo.AddAuthCacheLocalPersistence().AddAuthCacheGrains());
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var collection = cluster.Silos[0].ServiceProvider.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.True(collection.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal(65, collection.MemoryUsageLimitPercentage);
        Assert.Equal(55, collection.MemoryUsageTargetPercentage);
        Assert.Equal(TimeSpan.FromSeconds(2), collection.MemoryUsagePollingPeriod);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAuthCacheCore();
        return builder.Build();
    }
}
