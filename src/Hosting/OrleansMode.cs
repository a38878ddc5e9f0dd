namespace AuthCache.Hosting;

/// <summary>How an API host reaches the grains (<c>Orleans:Mode</c>).</summary>
public enum OrleansMode
{
    /// <summary>The API host co-hosts a silo: one process runs the whole cache (the default).</summary>
    Embedded,

    /// <summary>The API host is an Orleans client of separate silos, found through the Redis membership table.</summary>
    Client,
}
