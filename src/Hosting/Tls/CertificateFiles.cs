using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AuthCache.Hosting.Tls;

/// <summary>
/// The certificate files of <c>Orleans:Tls</c>, read whole: their contents decide whether anything changed (a SHA-256
/// of all of them), which holds however the files are replaced, a Kubernetes secret volume swapping a symlink
/// included, and whatever the file system's timestamp resolution. They are a few kilobytes, read once per new
/// connection, and connections are long-lived.
/// </summary>
internal sealed class CertificateFiles(OrleansHostingOptions.TlsOptions options)
{
    private readonly string _certificatePath = options.CertificatePath!;
    private readonly string? _keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
    private readonly string? _password = string.IsNullOrEmpty(options.Password) ? null : options.Password;
    private readonly string _caPath = options.CaPath!;

    /// <summary>The files as they are now.</summary>
    /// <exception cref="InvalidOperationException">A file cannot be read.</exception>
    public CertificateFileContents Read()
    {
        var certificate = ReadFile("Orleans:Tls:CertificatePath", _certificatePath);
        var key = _keyPath is null ? null : ReadFile("Orleans:Tls:KeyPath", _keyPath);
        var ca = ReadFile("Orleans:Tls:CaPath", _caPath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { certificate, key ?? [], ca })
        {
            hash.AppendData(BitConverter.GetBytes(part.Length));
            hash.AppendData(part);
        }

        return new CertificateFileContents(certificate, key, ca, Convert.ToHexString(hash.GetHashAndReset()));
    }

    /// <summary>This process's certificate with its private key, and the CA certificates.</summary>
    /// <exception cref="InvalidOperationException">The contents are not what they should be.</exception>
    public CertificateMaterial Load(CertificateFileContents contents)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = LoadCertificate(contents);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"Orleans:Tls:CertificatePath '{_certificatePath}' could not be read with its private key: "
                    + $"{ex.Message}",
                ex);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException(
                $"Orleans:Tls:CertificatePath '{_certificatePath}' holds no private key (set Orleans:Tls:KeyPath).");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(Encoding.UTF8.GetString(contents.Ca));
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"Orleans:Tls:CaPath '{_caPath}' could not be read: {ex.Message}", ex);
        }

        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"Orleans:Tls:CaPath '{_caPath}' holds no PEM certificate.");
        }

        return new CertificateMaterial(certificate, authorities, contents.Stamp);
    }

    private X509Certificate2 LoadCertificate(CertificateFileContents contents)
    {
        if (IsPkcs12(_certificatePath))
        {
            return X509CertificateLoader.LoadPkcs12(contents.Certificate, _password);
        }

        var certificate = Encoding.UTF8.GetString(contents.Certificate);
        var key = contents.Key is null ? certificate : Encoding.UTF8.GetString(contents.Key);
        return _password is null
            ? X509Certificate2.CreateFromPem(certificate, key)
            : X509Certificate2.CreateFromEncryptedPem(certificate, key, _password);
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static byte[] ReadFile(string key, string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{key} '{path}' could not be read: {ex.Message}", ex);
        }
    }
}

/// <summary>The bytes of the certificate files, read together, and the stamp that tells whether they changed.</summary>
internal sealed record CertificateFileContents(byte[] Certificate, byte[]? Key, byte[] Ca, string Stamp);

/// <summary>This process's certificate and the CA certificates, as read together from the files of one stamp.</summary>
internal sealed record CertificateMaterial(
    X509Certificate2 Certificate,
    X509Certificate2Collection Authorities,
    string Stamp);
