using AuthCache.Core.Options;
using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Authentication;
using AuthCache.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.Tests.Hosting;

/// <summary>The <c>Orleans</c> section, <c>AuthCache:GrainCallTimeout</c> and the shutdown timeout: bound from configuration, checked at start.</summary>
public sealed class ClusterOptionsTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    [Fact]
    public void Without_settings_a_host_embeds_its_silo_on_localhost_clustering()
    {
        var options = OrleansHostingOptions.Bind(Configuration([]));

        Assert.Equal(OrleansMode.Embedded, options.Mode);
        Assert.False(options.UsesRedis);
        Assert.Equal((11111, 30000), (options.SiloPort, options.GatewayPort));
        Assert.Equal(System.Net.IPAddress.Loopback, options.AdvertisedAddress);
    }

    [Fact]
    public void The_cluster_contract_binds_from_configuration()
    {
        var options = OrleansHostingOptions.Bind(Configuration(new()
        {
            ["Orleans:Mode"] = "Client",
            ["Orleans:ClusterId"] = "prod",
            ["Orleans:ServiceId"] = "auth",
            ["Orleans:Redis:ConnectionString"] = "redis.internal:6380,password=pw,ssl=true",
            ["Orleans:SiloPort"] = "11112",
            ["Orleans:GatewayPort"] = "30001",
            ["Orleans:AdvertisedIP"] = "10.1.2.3",
            ["POD_NAME"] = "authcache-silo-7d9f-abcde",
        }));

        Assert.Equal(OrleansMode.Client, options.Mode);
        Assert.Equal(("prod", "auth"), (options.ClusterId, options.ServiceId));
        Assert.True(options.UsesRedis);
        Assert.Equal((11112, 30001), (options.SiloPort, options.GatewayPort));
        Assert.Equal(System.Net.IPAddress.Parse("10.1.2.3"), options.AdvertisedAddress);
        Assert.Equal("authcache-silo-7d9f-abcde", options.SiloName);
    }

    [Theory]
    [InlineData("Orleans:Mode", "Client", "Orleans:Redis:ConnectionString is not set")]
    [InlineData("Orleans:AdvertisedIP", "pod-ip", "Orleans:AdvertisedIP")]
    [InlineData("Orleans:SiloPort", "0", "Orleans:SiloPort")]
    [InlineData("Orleans:GatewayPort", "11111", "must differ")]
    [InlineData("Orleans:ClusterId", " ", "Orleans:ClusterId")]
    [InlineData("Orleans:Redis:ConnectionString", "127.0.0.1:6379,password=s3cret,unknownOption=1", "not a valid StackExchange.Redis")]
    public void Invalid_orleans_settings_stop_the_start_with_a_clear_reason(string key, string value, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => OrleansHostingOptions.Bind(Configuration(new() { [key] = value })));

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public void Every_problem_of_the_section_is_reported_at_once()
    {
        var error = Assert.Throws<OptionsValidationException>(() => OrleansHostingOptions.Bind(Configuration(new()
        {
            ["Orleans:Mode"] = "Client",
            ["Orleans:AdvertisedIP"] = "nope",
        })));

        Assert.Equal(2, error.Failures.Count());
    }

    [Theory]
    [InlineData(null, null, 2000, 250)]
    [InlineData("00:00:00.500", "00:00:00.100", 500, 100)]
    public void The_grain_call_timeout_and_the_hedge_delay_come_from_the_AuthCache_section(string? timeout, string? fallbackAfter, int expectedTimeoutMs, int expectedFallbackMs)
    {
        var options = CacheOptions(timeout, fallbackAfter).CurrentValue;

        Assert.Equal(TimeSpan.FromMilliseconds(expectedTimeoutMs), options.GrainCallTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedFallbackMs), options.FallbackAfter);
    }

    [Fact]
    public void A_grain_call_timeout_set_in_code_wins_over_configuration()
    {
        var options = CacheOptions("00:00:05", null, o => o.GrainCallTimeout = TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(1), options.CurrentValue.GrainCallTimeout);
    }

    [Theory]
    [InlineData("00:00:00", null, "AuthCache:GrainCallTimeout")]
    [InlineData("00:01:00", null, "AuthCache:GrainCallTimeout")]
    [InlineData("00:00:01", "00:00:02", "AuthCache:FallbackAfter")]
    [InlineData(null, "00:00:00", "AuthCache:FallbackAfter")]
    public void A_grain_call_timeout_or_hedge_delay_out_of_range_is_refused(string? timeout, string? fallbackAfter, string key)
    {
        var options = CacheOptions(timeout, fallbackAfter);

        var error = Assert.Throws<OptionsValidationException>(() => options.CurrentValue);
        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData(null, 120)]
    [InlineData("00:00:45", 45)]
    public void The_shutdown_timeout_defaults_to_two_minutes_and_is_configurable(string? configured, int expectedSeconds)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [HostShutdownExtensions.ShutdownTimeoutKey] = configured });
        builder.ConfigureShutdownTimeout();
        using var host = builder.Build();

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    private static IOptionsMonitor<AuthCacheOptions> CacheOptions(string? grainCallTimeout, string? fallbackAfter, Action<AuthCacheOptions>? configure = null)
    {
        var services = new ServiceCollection();
        var settings = new Dictionary<string, string?>();
        if (grainCallTimeout is not null)
        {
            settings["AuthCache:GrainCallTimeout"] = grainCallTimeout;
        }

        if (fallbackAfter is not null)
        {
            settings["AuthCache:FallbackAfter"] = fallbackAfter;
        }

        services.AddSingleton(Configuration(settings));
        services.AddLogging();
        services.AddAuthCache(configure);
        return services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<AuthCacheOptions>>();
    }
}
