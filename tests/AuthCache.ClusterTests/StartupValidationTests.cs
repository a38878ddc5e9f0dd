using AuthCache.ClusterTests.Infrastructure;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.ClusterTests;

public sealed class StartupValidationTests
{
    [Fact]
    public async Task Client_mode_without_a_redis_connection_string_stops_the_start_with_a_clear_reason()
    {
        await using var host = NodeProcess.Start("api-misconfigured", NodeProcess.ApiHostAssembly, FreePort.Next(), new Dictionary<string, string>
        {
            ["Orleans__Mode"] = "Client",
            ["AuthCache__Issuers__0__Issuer"] = "https://issuer.example",
        });

        await host.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, host.ExitCode);
        Assert.Contains(host.Output, line => line.Contains("Orleans:Redis:ConnectionString is not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_production_silo_on_redis_without_tls_stops_the_start_with_a_clear_reason()
    {
        await using var silo = NodeProcess.Start("silo-without-tls", NodeProcess.SiloAssembly, FreePort.Next(), new Dictionary<string, string>
        {
            ["Orleans__Redis__ConnectionString"] = "127.0.0.1:1",
            ["AuthCache__Issuers__0__Issuer"] = "https://issuer.example",
        });

        await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains(silo.Output, line => line.Contains("without TLS, which Production refuses", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_production_client_with_tls_disabled_on_purpose_starts_and_warns()
    {
        await using var host = NodeProcess.Start("api-without-tls", NodeProcess.ApiHostAssembly, FreePort.Next(), new Dictionary<string, string>
        {
            ["Orleans__Mode"] = "Client",
            ["Orleans__Redis__ConnectionString"] = "127.0.0.1:1",
            ["Orleans__Tls__Enabled"] = "false",
            ["AuthCache__Issuers__0__Issuer"] = "https://issuer.example",
        });

        await Eventually.UntilAsync(
            () => Task.FromResult(host.Output.Any(line => line.Contains("Orleans:Tls:Enabled is false", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(60), "the warning that TLS is off", () => host.Describe());
        Assert.False(host.HasExited);
    }

    [Fact]
    public async Task A_second_silo_with_the_ports_of_a_running_one_stops_the_start_naming_the_port_and_the_setting()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 1, apiHosts: 0);
        var siloPort = cluster.SiloPortOf(cluster.Silos[0]);

        await using var second = NodeProcess.Start("silo-same-ports", NodeProcess.SiloAssembly, FreePort.Next(), new Dictionary<string, string>
        {
            ["Orleans__ClusterId"] = cluster.ClusterId,
            ["Orleans__ServiceId"] = LocalCluster.ServiceId,
            ["Orleans__Redis__ConnectionString"] = cluster.Redis.ConnectionString,
            ["Orleans__Tls__Enabled"] = "false",
            ["Orleans__SiloPort"] = siloPort.ToString(),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["AuthCache__Issuers__0__Issuer"] = cluster.Issuer.Issuer,
            ["AuthCache__Issuers__0__RequireHttps"] = "false",
        });

        await Eventually.UntilAsync(() => Task.FromResult(second.HasExited), TimeSpan.FromSeconds(60), "the second silo exiting", () => second.Describe());

        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains(second.Output, line => line.Contains(
            $"Orleans:SiloPort {siloPort} is already in use on this machine", StringComparison.Ordinal) && line.Contains("Orleans__SiloPort", StringComparison.Ordinal));
        Assert.DoesNotContain(second.Output, line => line.Contains("Orleans:GatewayPort", StringComparison.Ordinal));
        Assert.Single(await cluster.MembershipAsync(), row => row.Status == "Active");
    }
}
