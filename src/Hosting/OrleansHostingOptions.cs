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

    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis.ConnectionString);

    public IPAddress AdvertisedAddress => string.IsNullOrWhiteSpace(AdvertisedIP) ? IPAddress.Loopback : IPAddress.Parse(AdvertisedIP);

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

    public sealed class RedisOptions
    {
        /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis:6379,password=…,ssl=true</c>.</summary>
        public string? ConnectionString { get; set; }
    }
}
