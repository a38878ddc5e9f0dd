namespace AuthCache.ApiHost.Hosting;

/// <summary>How the API host joins Orleans, bound from the <c>Orleans</c> section.</summary>
public sealed class OrleansHostingOptions
{
    public const string SectionName = "Orleans";

    public string ClusterId { get; set; } = "authcache-dev";

    public string ServiceId { get; set; } = "authcache";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The silo port of the first API host, for a further API host joining its cluster; unset: this host is the first.</summary>
    public int? PrimarySiloPort { get; set; }
}
