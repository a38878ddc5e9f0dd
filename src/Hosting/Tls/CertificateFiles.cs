using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuthCache.Hosting.Tls;

/// <summary>
/// The certificate files of <c>Orleans:Tls</c>, and a stamp of what is on disk now: each file's final target (a
/// Kubernetes secret volume swaps a symlink to a new directory), write time and length. A changed stamp means the
/// files must be read again; an unchanged one costs three file-system look-ups.
/// </summary>
internal sealed class CertificateFiles(OrleansHostingOptions.TlsOptions options)
{
    private readonly string _certificatePath = options.CertificatePath!;
    private readonly string? _keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
    private readonly string? _password = string.IsNullOrEmpty(options.Password) ? null : options.Password;
    private readonly string _caPath = options.CaPath!;

    public string Stamp() => string.Join('|', new[] { _certificatePath, _keyPath, _caPath }.OfType<string>().Select(StampOf));

    /// <summary>Reads the certificate with its private key and the CA certificates.</summary>
    /// <exception cref="InvalidOperationException">A file cannot be read or does not hold what it should.</exception>
    public CertificateMaterial Load(string stamp)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = LoadCertificate();
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"Orleans:Tls:CertificatePath '{_certificatePath}' could not be read with its private key: {ex.Message}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"Orleans:Tls:CertificatePath '{_certificatePath}' holds no private key (set Orleans:Tls:KeyPath).");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(_caPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Orleans:Tls:CaPath '{_caPath}' could not be read: {ex.Message}", ex);
        }

        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"Orleans:Tls:CaPath '{_caPath}' holds no PEM certificate.");
        }

        return new CertificateMaterial(certificate, authorities, stamp);
    }

    private X509Certificate2 LoadCertificate()
    {
        if (IsPkcs12(_certificatePath))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(_certificatePath, _password);
        }

        return _password is null
            ? X509Certificate2.CreateFromPemFile(_certificatePath, _keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(_certificatePath, _password, _keyPath);
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static string StampOf(string path)
    {
        FileSystemInfo file = new FileInfo(path);
        if (file.LinkTarget is not null)
        {
            file = file.ResolveLinkTarget(returnFinalTarget: true) ?? file;
        }

        file.Refresh();
        return file.Exists ? $"{file.FullName}@{file.LastWriteTimeUtc.Ticks}:{(file as FileInfo)?.Length}" : $"{path}@missing";
    }
}

/// <summary>This process's certificate and the CA certificates, as read together from the files of one stamp.</summary>
internal sealed record CertificateMaterial(X509Certificate2 Certificate, X509Certificate2Collection Authorities, string Stamp);
