using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace AuthCache.Hosting.Tls;

/// <summary>
/// This process's certificate and the cluster's CA, read again from disk whenever the files change, so a renewed
/// certificate (a Kubernetes secret update) serves new connections without a restart; open connections keep theirs.
/// Files that cannot be used (half written, missing while a volume is swapped, of the wrong role) keep the previous
/// material until they change again. Every remote certificate must chain to the CA and carry the role the connection
/// needs.
/// </summary>
internal sealed partial class ClusterCertificates
{
    private readonly CertificateFiles _files;
    private readonly ClusterRole _localRole;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterCertificates> _logger;
    private readonly Lock _reload = new();
    private CertificateMaterial _current;
    private string _failedStamp = "";

    public ClusterCertificates(
        CertificateFiles files,
        CertificateMaterial initial,
        ClusterRole localRole,
        TimeProvider time,
        ILogger<ClusterCertificates> logger)
    {
        _files = files;
        _current = initial;
        _localRole = localRole;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Reads the files once, at start: a missing or unreadable file, or a certificate that is not of
    /// <paramref name="localRole"/> or not issued by the CA, stops the start with the reason.
    /// </summary>
    public static CertificateMaterial LoadInitial(CertificateFiles files, ClusterRole localRole, TimeProvider time)
    {
        var material = files.Load(files.Read());
        if (Refusal(material, material.Certificate, localRole, time) is { } reason)
        {
            throw new InvalidOperationException(
                $"Orleans:Tls:CertificatePath cannot serve as this process's {localRole.ToString().ToLowerInvariant()} "
                    + $"certificate: {reason}.");
        }

        return material;
    }

    /// <summary>This process's certificate as the files hold it now.</summary>
    public X509Certificate2 Local => Current().Certificate;

    /// <summary>
    /// Whether a remote certificate chains to the cluster's CA and holds <paramref name="required"/>; a refusal is
    /// logged.
    /// </summary>
    public bool Accepts(X509Certificate2 remote, X509Chain? presented, SslPolicyErrors errors, ClusterRole required)
    {
        // The CA is checked below, and names are not: silos are reached at addresses their certificates do not list.
        var reason = errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)
            ? "no certificate"
            : Refusal(Current(), remote, required, _time, presented);
        if (reason is null)
        {
            return true;
        }

        LogRefused(_logger, remote.Subject, remote.Thumbprint, required, reason);
        return false;
    }

    private CertificateMaterial Current()
    {
        var current = Volatile.Read(ref _current);
        CertificateFileContents contents;
        try
        {
            contents = _files.Read();
        }
        catch (InvalidOperationException ex)
        {
            LogReloadFailed(_logger, ex.Message, current.Certificate.Thumbprint);
            return current;
        }

        if (contents.Stamp == current.Stamp || contents.Stamp == Volatile.Read(ref _failedStamp))
        {
            return current;
        }

        lock (_reload)
        {
            if (_current.Stamp == contents.Stamp || _failedStamp == contents.Stamp)
            {
                return _current;
            }

            try
            {
                var material = _files.Load(contents);
                if (Refusal(material, material.Certificate, _localRole, _time) is { } reason)
                {
                    throw new InvalidOperationException(reason);
                }

                Volatile.Write(ref _current, material);
                LogReloaded(
                    _logger,
                    material.Certificate.Subject,
                    material.Certificate.Thumbprint,
                    material.Certificate.NotAfter);
            }
            catch (InvalidOperationException ex)
            {
                _failedStamp = contents.Stamp;
                LogReloadFailed(_logger, ex.Message, _current.Certificate.Thumbprint);
            }

            return _current;
        }
    }

    private static string? Refusal(
        CertificateMaterial material,
        X509Certificate2 certificate,
        ClusterRole required,
        TimeProvider time,
        X509Chain? presented = null)
    {
        var role = ClusterRoles.Of(certificate);
        if (role != required)
        {
            return role is null
                ? "its Extended Key Usage is neither a silo's (Server and Client Authentication) nor a client's "
                    + "(Client Authentication only)"
                : $"it is a {role.ToString()!.ToLowerInvariant()} certificate where a "
                    + $"{required.ToString().ToLowerInvariant()} certificate is required";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(material.Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(certificate))
        {
            return null;
        }

        var problems = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
        return $"it does not chain to the cluster's CA ({problems})";
    }

    [LoggerMessage(
        EventId = 2641,
        Level = LogLevel.Information,
        Message = "Loaded the renewed Orleans TLS certificate {Subject} ({Thumbprint}, valid until {NotAfter:u}) for "
            + "new connections.")]
    private static partial void LogReloaded(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(
        EventId = 2642,
        Level = LogLevel.Warning,
        Message = "The Orleans TLS certificate files changed but cannot be used ({Reason}); new connections keep "
            + "certificate {Thumbprint} until the files change again.")]
    private static partial void LogReloadFailed(ILogger logger, string reason, string thumbprint);

    [LoggerMessage(
        EventId = 2643,
        Level = LogLevel.Warning,
        Message = "Refused an Orleans connection whose certificate {Subject} ({Thumbprint}) is not accepted as a "
            + "{Role}: {Reason}.")]
    private static partial void LogRefused(
        ILogger logger,
        string subject,
        string thumbprint,
        ClusterRole role,
        string reason);
}
