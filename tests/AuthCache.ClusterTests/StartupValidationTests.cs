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
}
