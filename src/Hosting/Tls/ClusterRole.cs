using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuthCache.Hosting.Tls;

/// <summary>
/// What a certificate of the cluster's CA lets its holder be, read from its Extended Key Usage: a silo's certificate
/// has Server and Client Authentication (it accepts connections and opens them to other silos), a client's only
/// Client Authentication. TLS itself refuses to serve with a certificate that lacks Server Authentication, so a
/// client certificate cannot even listen as a silo.
/// </summary>
internal enum ClusterRole
{
    Silo,
    Client,
}

internal static class ClusterRoles
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// The certificate's role, or null when its usages fit neither (no Extended Key Usage at all included).
    /// </summary>
    public static ClusterRole? Of(X509Certificate2 certificate)
    {
        var usages = certificate
            .Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .SingleOrDefault()
            ?.EnhancedKeyUsages;
        if (usages is null)
        {
            return null;
        }

        bool server = Has(usages, ServerAuthentication), client = Has(usages, ClientAuthentication);
        return (server, client) switch
        {
            (true, true) => ClusterRole.Silo,
            (false, true) => ClusterRole.Client,
            _ => null,
        };
    }

    private static bool Has(OidCollection usages, Oid usage) => usages.Cast<Oid>().Any(u => u.Value == usage.Value);
}
