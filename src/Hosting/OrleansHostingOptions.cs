using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.Hosting;

/// <summary>
/// How a process joins the AuthCache Orleans cluster, bound from the <c>Orleans</c> section. Without
/// <see cref="RedisOptions.ConnectionString"/> everything stays on localhost clustering (one machine, no
/// external service); with it, silos and clients meet in the Redis membership table.
/// </summary>
internal sealed class OrleansHostingOptions
{
    public const string SectionName = "Orleans";

    /// <summary>API host only: co-host a silo (<see cref="OrleansMode.Embedded"/>) or connect as a client.</summary>
    public OrleansMode Mode { get; set; } = OrleansMode.Embedded;

    public string ClusterId { get; set; } = "authcache-dev";

    public string ServiceId { get; set; } = "authcache";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients reach this silo at, written into the membership table (Kubernetes:
    /// the pod IP). Unset: 127.0.0.1, which only processes on this machine can reach.
    /// </summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>
    /// The silo's name in the membership table and logs. Unset: the <c>POD_NAME</c> variable (Kubernetes' downward
    /// API), else Orleans' default.
    /// </summary>
    public string? SiloName { get; set; }

    /// <summary>Localhost clustering only: the silo port of the primary silo that a second local silo joins.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>Client only: how often the gateway list is re-read from the membership table.</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(30);

    public RedisOptions Redis { get; set; } = new();

    public TlsOptions Tls { get; set; } = new();

    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis.ConnectionString);

    /// <summary>
    /// Whether other processes connect to this one's Orleans ports, or it to theirs: Redis clustering (silos of
    /// several processes) or Client mode. Localhost clustering only, or External mode, do not count.
    /// </summary>
    public bool SpansProcesses => Mode == OrleansMode.Client || (Mode != OrleansMode.External && UsesRedis);

    public IPAddress AdvertisedAddress =>
        string.IsNullOrWhiteSpace(AdvertisedIP) ? IPAddress.Loopback : IPAddress.Parse(AdvertisedIP);

    /// <summary>
    /// Binds and validates the section at composition time, since the mode decides how the host is built; an
    /// invalid section stops the start with every problem listed.
    /// </summary>
    public static OrleansHostingOptions Bind(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<OrleansHostingOptions>() ?? new OrleansHostingOptions();
        options.SiloName ??= configuration["POD_NAME"];
        var result = new OrleansHostingOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(OrleansHostingOptions), result.Failures);
        }

        return options;
    }

    /// <summary>
    /// Mutual TLS on every Orleans connection (<c>Orleans:Tls</c>), silo to silo and client to gateway. The
    /// certificate files are read again when they change (a Kubernetes secret update), so new connections use the
    /// new certificate without a restart.
    /// </summary>
    public sealed class TlsOptions
    {
        /// <summary>
        /// True: mutual TLS with the certificates below. Unset: no TLS, which a Production process whose cluster
        /// spans processes refuses. False: no TLS, on purpose (a warning at every start).
        /// </summary>
        public bool? Enabled { get; set; }

        /// <summary>
        /// This process's certificate: a PEM file (with its key, or with <see cref="KeyPath"/>) or a PKCS#12 file
        /// (<c>.pfx</c>/<c>.p12</c>). A silo's certificate has the Server and Client Authentication usages, a
        /// client's only Client Authentication.
        /// </summary>
        public string? CertificatePath { get; set; }

        /// <summary>
        /// The PEM private key of <see cref="CertificatePath"/>, when it is in a file of its own (<c>tls.key</c>).
        /// </summary>
        public string? KeyPath { get; set; }

        /// <summary>The password of a PKCS#12 file or of an encrypted PEM key.</summary>
        public string? Password { get; set; }

        /// <summary>
        /// The PEM file of the cluster's certificate authority (<c>ca.crt</c>, one or more certificates): a remote
        /// certificate is accepted only when it chains to it. It must be the cluster's own CA: every certificate it
        /// issues with the Server Authentication usage is a silo's.
        /// </summary>
        public string? CaPath { get; set; }
    }

    public sealed class RedisOptions
    {
        /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis:6379,password=…,ssl=true</c>.</summary>
        public string? ConnectionString { get; set; }
    }
}
