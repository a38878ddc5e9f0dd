namespace AuthCache.Bench.Systems;

/// <summary>The names of the systems the goals compare, as the tables and <c>--systems</c> spell them.</summary>
public static class SystemNames
{
    public const string Baseline = "baseline";
    public const string JwtBearer = "jwtbearer";
    public const string TwoJwtBearer = "2 × jwtbearer";
    public const string TwoJwtBearerBesideIdleSilos = "2 × jwtbearer + idle silos";
    public const string Embedded = "authcache-embedded";
    public const string EmbeddedOnRedis = "authcache-embedded on redis";
    public const string Cluster = "authcache-cluster";
    public const string Client = "authcache-client";
    public const string CoHosted = "authcache-cohosted";

    /// <summary>What a cluster system's name says when its Orleans connections are mutual TLS.</summary>
    public const string TlsSuffix = " + tls";

    public static string WithTls(string system) => system + TlsSuffix;

    /// <summary>The name of the same system without TLS (the name itself when it has none).</summary>
    public static string WithoutTls(string system) => system.EndsWith(TlsSuffix, StringComparison.Ordinal) ? system[..^TlsSuffix.Length] : system;
}
