using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AuthCache.Bench.Systems;

/// <summary>
/// Mutual-TLS certificates for a cluster's processes, made by the repository's one documented command
/// (<c>deploy/dev-certs/make-dev-certs.sh</c>, which needs openssl) into the run's folder: a private CA, a silo
/// certificate (server and client authentication) and a client certificate (client authentication only).
/// </summary>
public sealed class DevCertificates
{
    private readonly string _directory;

    private DevCertificates(string directory) => _directory = directory;

    /// <summary>The <c>Orleans:Tls:*</c> keys of a process that hosts a silo (<paramref name="silo"/>) or of a client-mode API host.</summary>
    public IEnumerable<string> Arguments(bool silo)
    {
        var role = Path.Combine(_directory, silo ? "silo" : "client");
        return
        [
            "--Orleans:Tls:Enabled=true",
            $"--Orleans:Tls:CertificatePath={Path.Combine(role, "tls.crt")}",
            $"--Orleans:Tls:KeyPath={Path.Combine(role, "tls.key")}",
            $"--Orleans:Tls:CaPath={Path.Combine(_directory, "ca.crt")}",
        ];
    }

    /// <summary>
    /// Proves a silo port speaks mutual TLS with these certificates: a handshake presenting the silo certificate must
    /// complete, and the port must present a certificate of this run's CA. A cluster that ignored its TLS keys fails here.
    /// </summary>
    public async Task RequireTlsAsync(int siloPort)
    {
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_directory, "ca.crt")));
        using var own = X509Certificate2.CreateFromPemFile(Path.Combine(_directory, "silo", "tls.crt"), Path.Combine(_directory, "silo", "tls.key"));
        using var tcp = new TcpClient();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, siloPort, deadline.Token);
            await using var tls = new SslStream(tcp.GetStream());
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    ClientCertificates = [own],
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 remote && IssuedBy(remote, ca),
                },
                deadline.Token);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException)
        {
            throw new InvalidOperationException($"the silo port {siloPort} did not complete a mutual-TLS handshake with this run's certificates: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <exception cref="SystemUnavailableException">The script failed (openssl missing, for one).</exception>
    public static async Task<DevCertificates> MakeAsync(RepositoryLayout layout, string directory)
    {
        var script = Path.Combine(layout.Root, "deploy", "dev-certs", "make-dev-certs.sh");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(directory);
        using var process = Process.Start(info) ?? throw new SystemUnavailableException("bash could not be started to make the TLS certificates");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(directory, "client", "tls.crt")))
        {
            throw new SystemUnavailableException($"deploy/dev-certs/make-dev-certs.sh failed with code {process.ExitCode} (is openssl installed?): {errors.Trim()}");
        }

        return new DevCertificates(directory);
    }
}
