namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// Cluster mode on one machine: the real silo host in its own process, and the real API host in Client mode
/// reaching it through its gateway, both trusting a <see cref="TestIssuer"/> on 127.0.0.1.
/// </summary>
public sealed class SiloHostClusterFixture : IAsyncLifetime
{
    public const string AdminKey = "silo-host-admin-key-9e1b";

    public TestIssuer Issuer { get; private set; } = null!;

    public SiloHostProcess Silo { get; private set; } = null!;

    public ApiHostInstance Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        var clusterId = "silo-host-" + Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = Issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:Admin:ApiKey"] = AdminKey,
        };

        Silo = await SiloHostProcess.StartAsync(clusterId, settings);
        Api = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>(settings)
        {
            ["Orleans:Mode"] = "Client",
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:GatewayPorts:0"] = Silo.GatewayPort.ToString(),
        });
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Silo.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
