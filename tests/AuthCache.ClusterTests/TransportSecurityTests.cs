using System.Net;
using AuthCache.ClusterTests.Infrastructure;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AuthCache.ClusterTests;

/// <summary>Two silos and a client-mode API host over mutual TLS, real processes, certificates of a private CA.</summary>
public sealed class TransportSecurityTests(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    private LocalCluster Cluster => fixture.Cluster;

    private async Task<MembershipRow> ActiveSiloAsync() => (await Cluster.MembershipAsync()).First(r => r.Status == "Active");

    [Fact]
    public async Task Silos_with_silo_certificates_join_each_other()
    {
        var rows = await Cluster.MembershipAsync();

        Assert.Equal(2, rows.Count(r => r.Status == "Active"));
    }

    [Fact]
    public async Task An_api_host_with_the_client_certificate_validates_tokens_through_the_cluster()
    {
        var me = await MeResponse.GetAsync(Cluster.ApiHosts[0], Cluster.Issuer.CreateToken("user_" + Guid.NewGuid().ToString("N")));

        Assert.Equal((HttpStatusCode.OK, "Cluster"), (me.Status, me.Source));
    }

    [Fact]
    public async Task A_client_with_the_client_certificate_calls_grains()
    {
        using var client = await fixture.StartClientAsync(fixture.ClientCertificate);

        var status = await CallWithRetryAsync(() => client.Services.GetRequiredService<IClusterClient>().GetGrain<IJwksGrain>(Cluster.Issuer.Issuer).GetStatusAsync());

        Assert.NotEmpty(status.KeyIds);
    }

    [Fact]
    public async Task A_client_without_a_certificate_cannot_call_any_grain()
    {
        var refused = await Record.ExceptionAsync(async () =>
        {
            using var client = await fixture.StartClientAsync(certificate: null);
            await client.Services.GetRequiredService<IClusterClient>().GetGrain<IJwksGrain>(Cluster.Issuer.Issuer).GetStatusAsync().WaitAsync(TlsClusterFixture.RefusalBound);
        });

        Assert.NotNull(refused);
        Assert.IsNotType<TimeoutException>(refused);
    }

    [Fact]
    public async Task A_client_with_a_foreign_CAs_certificate_cannot_call_any_grain()
    {
        using var foreign = fixture.ForeignAuthority.IssueClient("intruder");

        var refused = await Record.ExceptionAsync(async () =>
        {
            using var client = await fixture.StartClientAsync(foreign);
            await client.Services.GetRequiredService<IClusterClient>().GetGrain<IJwksGrain>(Cluster.Issuer.Issuer).GetStatusAsync().WaitAsync(TlsClusterFixture.RefusalBound);
        });

        Assert.NotNull(refused);
        Assert.IsNotType<TimeoutException>(refused);
        await SiloLogsAsync("Refused an Orleans connection whose certificate CN=intruder", "the refusal of the foreign certificate");
    }

    [Fact]
    public async Task A_client_certificate_cannot_connect_to_a_silo_port()
    {
        var silo = await ActiveSiloAsync();

        Assert.True(await TlsClusterFixture.RefusesAsync(silo.SiloPort, fixture.ClientCertificate));
        Assert.True(await TlsClusterFixture.RefusesAsync(silo.SiloPort, clientCertificate: null));
        await SiloLogsAsync("certificate CN=api-host (", "as a Silo: it is a client certificate where a silo certificate is required", "the refusal of the client certificate at the silo port");
    }

    [Fact]
    public async Task A_gateway_refuses_a_silo_certificate_where_a_client_certificate_is_expected()
    {
        var silo = await ActiveSiloAsync();

        Assert.True(await TlsClusterFixture.RefusesAsync(silo.GatewayPort, fixture.SiloCertificate));
    }

    [Fact]
    public async Task A_silo_given_a_client_certificate_refuses_to_start()
    {
        using var client = fixture.Authority.IssueClient("not-a-silo");
        var files = await fixture.Authority.MountAsync(client, fixture.NewDirectory());
        var settings = TlsClusterFixture.Settings(files);
        settings["Orleans__Redis__ConnectionString"] = Cluster.Redis.ConnectionString;
        settings["AuthCache__Issuers__0__Issuer"] = Cluster.Issuer.Issuer;

        await using var process = NodeProcess.Start("silo-with-client-certificate", NodeProcess.SiloAssembly, FreePort.Next(), settings);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(process.Output, line => line.Contains("it is a client certificate where a silo certificate is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_certificate_renewed_on_disk_serves_new_connections_while_the_cluster_keeps_serving()
    {
        var silo = await ActiveSiloAsync();
        var before = await TlsClusterFixture.ServerCertificateAsync(silo.GatewayPort, fixture.ClientCertificate);
        Assert.Equal(fixture.SiloCertificate.Thumbprint, before.Thumbprint);

        using var renewed = fixture.Authority.IssueSilo("silo");
        await fixture.Authority.MountAsync(renewed, fixture.SiloCertificates);

        var after = await TlsClusterFixture.ServerCertificateAsync(silo.GatewayPort, fixture.ClientCertificate);
        Assert.Equal(renewed.Thumbprint, after.Thumbprint);
        var me = await MeResponse.GetAsync(Cluster.ApiHosts[0], Cluster.Issuer.CreateToken("user_" + Guid.NewGuid().ToString("N")));
        Assert.Equal((HttpStatusCode.OK, "Cluster"), (me.Status, me.Source));
        using var client = await fixture.StartClientAsync(fixture.ClientCertificate);
        await CallWithRetryAsync(() => client.Services.GetRequiredService<IClusterClient>().GetGrain<IJwksGrain>(Cluster.Issuer.Issuer).GetStatusAsync());
        await SiloLogsAsync($"Loaded the renewed Orleans TLS certificate CN=silo ({renewed.Thumbprint}", "the renewed certificate's reload");
    }

    [Fact]
    public async Task A_client_calling_a_silo_only_method_is_refused_while_the_silos_own_calls_pass()
    {
        using var client = await fixture.StartClientAsync(fixture.ClientCertificate);
        var jwks = client.Services.GetRequiredService<IClusterClient>().GetGrain<IJwksGrain>(Cluster.Issuer.Issuer);
        await CallWithRetryAsync(jwks.GetStatusAsync);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => jwks.EnsureRefreshScheduledAsync());

        // The silo's own maintenance calls the same method through its hosted client when it starts.
        await SiloLogsAsync("fresh signing key(s)", "the silo's maintenance of the issuer");
        Assert.DoesNotContain(Cluster.Silos.SelectMany(s => s.Output), line => line.Contains("hosted-", StringComparison.Ordinal) && line.Contains("Refused a call", StringComparison.Ordinal));
    }

    private Task SiloLogsAsync(string text, string what) => SiloLogsAsync(text, text, what);

    private Task SiloLogsAsync(string text, string alsoText, string what) => Eventually.UntilAsync(
        () => Task.FromResult(Cluster.Silos.Any(silo => silo.Output.Any(line => line.Contains(text, StringComparison.Ordinal) && line.Contains(alsoText, StringComparison.Ordinal)))),
        TimeSpan.FromSeconds(30), what, Cluster.Describe);

    /// <summary>A freshly connected client can fail its first call while it learns the cluster's grain types.</summary>
    private static async Task<T> CallWithRetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (ArgumentException) when (attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }
}
