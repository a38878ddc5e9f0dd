namespace AuthCache.Core;

/// <summary>
/// Whether this process hosts a silo (registered by the grains' silo setup) or reaches the grains as a client of
/// the cluster (the default). A process that hosts a silo keeps its copy of the revocation list through the silo;
/// a client keeps its own.
/// </summary>
internal sealed class AuthCacheProcess
{
    private AuthCacheProcess(bool hostsSilo) => HostsSilo = hostsSilo;

    public static AuthCacheProcess Silo { get; } = new(hostsSilo: true);

    public static AuthCacheProcess ClusterClient { get; } = new(hostsSilo: false);

    public bool HostsSilo { get; }
}
