using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthCache.Hosting;
using AuthCache.Hosting.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AuthCache.Tests.Hosting.Tls;

/// <summary>
/// <c>Orleans:Tls</c>'s certificate files: the formats they may take, what stops a start, what a remote certificate
/// must be, and a renewal on disk. The cluster tests prove the same over real connections.
/// </summary>
public sealed class ClusterCertificatesTests : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly string _directory = Directory.CreateTempSubdirectory("authcache-certs-").FullName;
    private readonly X509Certificate2 _ca = CreateAuthority("cluster-ca");
    private readonly X509Certificate2 _foreignCa = CreateAuthority("foreign-ca");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_pfx_file_with_a_password_serves_as_the_silos_certificate()
    {
        var silo = Issue(_ca, "silo", ServerAuthentication, ClientAuthentication);
        var pfx = Path.Combine(_directory, "silo.pfx");
        File.WriteAllBytes(pfx, silo.Export(X509ContentType.Pkcs12, "s3cret"));

        var material = ClusterCertificates.LoadInitial(Files(pfx, keyPath: null, password: "s3cret"), ClusterRole.Silo, TimeProvider.System);

        Assert.Equal(silo.Thumbprint, material.Certificate.Thumbprint);
        Assert.True(material.Certificate.HasPrivateKey);
    }

    [Fact]
    public void A_pem_file_with_the_certificate_and_its_key_needs_no_key_path()
    {
        var client = Issue(_ca, "client", ClientAuthentication);
        var pem = Path.Combine(_directory, "client.pem");
        File.WriteAllText(pem, client.ExportCertificatePem() + "\n" + client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var material = ClusterCertificates.LoadInitial(Files(pem, keyPath: null), ClusterRole.Client, TimeProvider.System);

        Assert.Equal(client.Thumbprint, material.Certificate.Thumbprint);
    }

    [Fact]
    public void A_client_certificate_cannot_start_a_silo()
    {
        var files = WritePem(Issue(_ca, "client", ClientAuthentication), "client");

        var refused = Assert.Throws<InvalidOperationException>(() => ClusterCertificates.LoadInitial(files, ClusterRole.Silo, TimeProvider.System));

        Assert.Contains("it is a client certificate where a silo certificate is required", refused.Message);
    }

    [Fact]
    public void A_certificate_of_another_CA_cannot_start_a_process()
    {
        var files = WritePem(Issue(_foreignCa, "silo", ServerAuthentication, ClientAuthentication), "foreign");

        var refused = Assert.Throws<InvalidOperationException>(() => ClusterCertificates.LoadInitial(files, ClusterRole.Silo, TimeProvider.System));

        Assert.Contains("does not chain to the cluster's CA", refused.Message);
    }

    [Fact]
    public void A_remote_certificate_is_accepted_only_from_the_clusters_CA_and_in_the_role_the_connection_needs()
    {
        var certificates = Certificates(WritePem(Issue(_ca, "silo", ServerAuthentication, ClientAuthentication), "silo"), ClusterRole.Silo);
        var client = Issue(_ca, "client", ClientAuthentication);
        var silo = Issue(_ca, "other-silo", ServerAuthentication, ClientAuthentication);
        var foreign = Issue(_foreignCa, "intruder", ClientAuthentication);
        var noUsage = Issue(_ca, "no-usage");

        Assert.True(certificates.Accepts(client, null, SslPolicyErrors.RemoteCertificateChainErrors, ClusterRole.Client));
        Assert.True(certificates.Accepts(silo, null, SslPolicyErrors.RemoteCertificateNameMismatch, ClusterRole.Silo));
        Assert.False(certificates.Accepts(client, null, SslPolicyErrors.None, ClusterRole.Silo));
        Assert.False(certificates.Accepts(silo, null, SslPolicyErrors.None, ClusterRole.Client));
        Assert.False(certificates.Accepts(foreign, null, SslPolicyErrors.None, ClusterRole.Client));
        Assert.False(certificates.Accepts(noUsage, null, SslPolicyErrors.None, ClusterRole.Client));
    }

    [Fact]
    public void A_renewed_certificate_on_disk_replaces_the_old_one_and_an_unusable_change_keeps_it()
    {
        var first = Issue(_ca, "silo", ServerAuthentication, ClientAuthentication);
        var files = WritePem(first, "silo");
        var certificates = Certificates(files, ClusterRole.Silo);
        Assert.Equal(first.Thumbprint, certificates.Local.Thumbprint);

        File.WriteAllText(Path.Combine(_directory, "silo.crt"), "-----BEGIN CERTIFICATE-----\nhalf written");
        Assert.Equal(first.Thumbprint, certificates.Local.Thumbprint);

        var renewed = Issue(_ca, "silo", ServerAuthentication, ClientAuthentication);
        WritePem(renewed, "silo");
        Assert.Equal(renewed.Thumbprint, certificates.Local.Thumbprint);
    }

    [Fact]
    public void Enabled_tls_without_its_files_stops_the_start_with_every_missing_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:Tls:Enabled"] = "true",
            ["Orleans:Tls:KeyPath"] = Path.Combine(_directory, "missing.key"),
        }).Build();

        var refused = Assert.Throws<OptionsValidationException>(() => OrleansHostingOptions.Bind(configuration));

        Assert.Contains("Orleans:Tls:Enabled is true but Orleans:Tls:CertificatePath is not set.", refused.Failures);
        Assert.Contains("Orleans:Tls:Enabled is true but Orleans:Tls:CaPath is not set.", refused.Failures);
        Assert.Contains(refused.Failures, f => f.StartsWith("Orleans:Tls:KeyPath", StringComparison.Ordinal) && f.EndsWith("does not exist.", StringComparison.Ordinal));
    }

    private ClusterCertificates Certificates(CertificateFiles files, ClusterRole role) =>
        new(files, ClusterCertificates.LoadInitial(files, role, TimeProvider.System), role, TimeProvider.System, NullLogger<ClusterCertificates>.Instance);

    private CertificateFiles Files(string certificatePath, string? keyPath, string? password = null)
    {
        var ca = Path.Combine(_directory, "ca.crt");
        File.WriteAllText(ca, _ca.ExportCertificatePem());
        return new CertificateFiles(new OrleansHostingOptions.TlsOptions { CertificatePath = certificatePath, KeyPath = keyPath, Password = password, CaPath = ca });
    }

    private CertificateFiles WritePem(X509Certificate2 certificate, string name)
    {
        var crt = Path.Combine(_directory, name + ".crt");
        var key = Path.Combine(_directory, name + ".key");
        File.WriteAllText(crt, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return Files(crt, key);
    }

    private static X509Certificate2 CreateAuthority(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string name, params Oid[] usages)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        if (usages.Length > 0)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages], false));
        }

        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }
}
