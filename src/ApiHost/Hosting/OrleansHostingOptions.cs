namespace AuthCache.ApiHost.Hosting;

/// <summary>How the API host reaches Orleans.</summary>
public enum OrleansHostingMode
{
    /// <summary>A silo runs in this process (one command runs the whole cache); it also serves the dashboard.</summary>
    Embedded,

    /// <summary>An Orleans client of separate silo hosts (<c>src/Silo</c>), reached through their gateways.</summary>
    Client,

    /// <summary>
    /// The application registers its own Orleans client before <c>AddApiHost</c> (for example a host that
    /// already has one, or a test cluster's client); the API host adds none.
    /// </summary>
    External,
}

/// <summary>How the API host joins Orleans, bound from the <c>Orleans</c> section.</summary>
public sealed class OrleansHostingOptions
{
    public const string SectionName = "Orleans";

    public OrleansHostingMode Mode { get; set; } = OrleansHostingMode.Embedded;

    public string ClusterId { get; set; } = "authcache-dev";

    public string ServiceId { get; set; } = "authcache";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>Client mode: the gateway ports of the silos on this machine.</summary>
    public int[] GatewayPorts { get; set; } = [30000];

    public static OrleansHostingOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<OrleansHostingOptions>() ?? new();
}
