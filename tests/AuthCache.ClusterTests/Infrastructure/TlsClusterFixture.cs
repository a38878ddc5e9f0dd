using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StackExchange.Redis;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>
/// Two silos and one API host in client mode with mutual TLS (<c>Orleans:Tls</c>), their certificates issued by a
/// private CA and mounted as Kubernetes mounts a secret.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan RefusalBound = TimeSpan.FromSeconds(60);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "authcache-tls-" + Guid.NewGuid().ToString("N")[..12]);

    public TestCertificateAuthority Authority { get; } = TestCertificateAuthority.Create("authcache-test-ca");

    public TestCertificateAuthority ForeignAuthority { get; } = TestCertificateAuthority.Create("foreign-ca");

    public LocalCluster Cluster { get; private set; } = null!;

    public X509Certificate2 SiloCertificate { get; private set; } = null!;

    public X509Certificate2 ClientCertificate { get; private set; } = null!;

    public string SiloCertificates => Path.Combine(_directory, "silo");

    public async Task InitializeAsync()
    {
        SiloCertificate = Authority.IssueSilo("silo");
        ClientCertificate = Authority.IssueClient("api-host");
        var silo = await Authority.MountAsync(SiloCertificate, SiloCertificates);
        var client = await Authority.MountAsync(ClientCertificate, Path.Combine(_directory, "client"));
        Cluster = await LocalCluster.StartAsync(2, 1, apiHostSettings: Settings(client), siloSettings: Settings(silo));
    }

    public static Dictionary<string, string> Settings((string Certificate, string Key, string Ca) files) => new()
    {
        ["Orleans__Tls__Enabled"] = "true",
        ["Orleans__Tls__CertificatePath"] = files.Certificate,
        ["Orleans__Tls__KeyPath"] = files.Key,
        ["Orleans__Tls__CaPath"] = files.Ca,
    };

    public string NewDirectory() => Path.Combine(_directory, Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A TLS handshake with the port: the certificate the server presented.</summary>
    public static async Task<X509Certificate2> ServerCertificateAsync(int port, X509Certificate2 clientCertificate)
    {
        using var tcp = new TcpClient();
        using var bound = new CancellationTokenSource(RefusalBound);
        await tcp.ConnectAsync("127.0.0.1", port, bound.Token);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(ClientOptions(clientCertificate), bound.Token);
        return new X509Certificate2(tls.RemoteCertificate!);
    }

    /// <summary>
    /// Whether the port refuses a TLS connection that presents <paramref name="clientCertificate"/>. The server
    /// judges a client certificate once its side of the handshake is done, and then closes the connection; one it
    /// accepts waits for the Orleans preamble, which this probe never sends, so only a refusal ends the read.
    /// </summary>
    public static async Task<bool> RefusesAsync(int port, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        using var bound = new CancellationTokenSource(RefusalBound);
        await tcp.ConnectAsync("127.0.0.1", port, bound.Token);
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(ClientOptions(clientCertificate), bound.Token);
            return await tls.ReadAsync(new byte[1], bound.Token) == 0;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return true;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            return false;
        }
    }

    private static SslClientAuthenticationOptions ClientOptions(X509Certificate2? clientCertificate) => new()
    {
        TargetHost = "silo",
        ClientCertificates = clientCertificate is null ? null : [clientCertificate],
        RemoteCertificateValidationCallback = (_, _, _, _) => true,
    };

    /// <summary>An Orleans client of the cluster, started within <see cref="RefusalBound"/>, with TLS when <paramref name="certificate"/> is given.</summary>
    public async Task<IHost> StartClientAsync(X509Certificate2? certificate)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = Cluster.ClusterId;
                    o.ServiceId = LocalCluster.ServiceId;
                })
                .UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(Cluster.Redis.ConnectionString));
            if (certificate is not null)
            {
                client.UseTls(certificate, tls => tls.AllowAnyRemoteCertificate());
            }
        });
        var host = builder.Build();
        try
        {
            using var bound = new CancellationTokenSource(RefusalBound);
            await host.StartAsync(bound.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        Authority.Dispose();
        ForeignAuthority.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
