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
}
