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
}
