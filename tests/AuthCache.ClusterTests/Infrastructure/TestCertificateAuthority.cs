using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>
/// A private CA for one test, issuing certificates with the roles of <c>Orleans:Tls</c>: a silo's has Server and
/// Client Authentication, a client's only Client Authentication. Written as PEM files, the way Kubernetes mounts a
/// TLS secret (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>, reached through a <c>..data</c> symlink).
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private TestCertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    public static TestCertificateAuthority Create(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new TestCertificateAuthority(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1)));
    }

    public X509Certificate2 IssueSilo(string name) => Issue(name, ServerAuthentication, ClientAuthentication);

    public X509Certificate2 IssueClient(string name) => Issue(name, ClientAuthentication);

    /// <summary>
    /// Writes <paramref name="certificate"/> with its key and this CA into a new version directory under
    /// <paramref name="directory"/> and points <c>..data</c> at it with one rename, as the kubelet updates a secret
    /// volume; the first call also creates the <c>tls.crt</c>, <c>tls.key</c> and <c>ca.crt</c> links.
    /// </summary>
    public async Task<(string Certificate, string Key, string Ca)> MountAsync(X509Certificate2 certificate, string directory)
    {
        Directory.CreateDirectory(directory);
        var version = Path.Combine(directory, $"..{DateTime.UtcNow:yyyy_MM_dd_HH_mm_ss}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(version);
        await File.WriteAllTextAsync(Path.Combine(version, "tls.crt"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(version, "tls.key"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(version, "ca.crt"), Certificate.ExportCertificatePem());

        var data = Path.Combine(directory, "..data");
        var next = Path.Combine(directory, "..data_tmp");
        File.CreateSymbolicLink(next, Path.GetFileName(version));
        using (var rename = Process.Start("mv", ["-T", next, data]))
        {
            await rename.WaitForExitAsync();
            Assert.Equal(0, rename.ExitCode);
        }

        foreach (var file in new[] { "tls.crt", "tls.key", "ca.crt" })
        {
            var link = Path.Combine(directory, file);
            if (!File.Exists(link))
            {
                File.CreateSymbolicLink(link, Path.Combine("..data", file));
            }
        }

        return (Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key"), Path.Combine(directory, "ca.crt"));
    }

    public void Dispose() => Certificate.Dispose();

    private X509Certificate2 Issue(string name, params Oid[] usages)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }
}
