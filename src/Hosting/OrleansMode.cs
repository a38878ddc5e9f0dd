namespace AuthCache.Hosting;

/// <summary>How an API host reaches the grains (<c>Orleans:Mode</c>).</summary>
internal enum OrleansMode
{
    /// <summary>The API host co-hosts a silo: one process runs the whole cache (the default).</summary>
    Embedded,

    /// <summary>
    /// The API host is an Orleans client of separate silos, found through the Redis membership table.
    /// </summary>
    Client,

    /// <summary>
    /// The application registers its own Orleans client (<c>IClusterClient</c>) before
    /// <see cref="AuthCacheClusterExtensions.AddAuthCacheCluster{TBuilder}"/>, which then adds none: a host that
    /// already has a client, or a test cluster's client.
    /// </summary>
    External,
}
