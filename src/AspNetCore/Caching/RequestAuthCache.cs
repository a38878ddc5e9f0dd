namespace AuthCache.AspNetCore.Caching;

/// <summary>
/// Phase 1 of the cache: the tokens resolved during one HTTP request (scoped service, gone with the request), so
/// the handler, policies and endpoint code resolving the same token again never reach a grain twice.
/// </summary>
public sealed class RequestAuthCache
{
    // Cached and direct resolutions are kept apart: a request may ask both schemes about one token.
    private Dictionary<string, TokenResolution>? _cluster;
    private Dictionary<string, TokenResolution>? _direct;

    internal RequestAuthCache()
    {
    }

    /// <summary>The resolutions this request asked for.</summary>
    public int Lookups { get; private set; }

    /// <summary>The resolutions this request got from its cache.</summary>
    public int Hits { get; private set; }

    /// <summary>
    /// Resolutions of this request that went past the request cache (to a grain or a local validation).
    /// </summary>
    public int Resolutions { get; private set; }

    internal bool TryGet(string token, bool direct, out TokenResolution resolution)
    {
        Lookups++;
        var entries = direct ? _direct : _cluster;
        if (entries is not null && entries.TryGetValue(token, out resolution!))
        {
            Hits++;
            return true;
        }

        resolution = null!;
        return false;
    }

    /// <summary>
    /// Whether this request resolved the token already, through the cache or directly as <paramref name="direct"/>
    /// says.
    /// </summary>
    internal bool Contains(string token, bool direct) => (direct ? _direct : _cluster)?.ContainsKey(token) == true;

    internal void Add(string token, bool direct, TokenResolution resolution)
    {
        Resolutions++;
        ref var entries = ref direct ? ref _direct : ref _cluster;
        (entries ??= new Dictionary<string, TokenResolution>(1, StringComparer.Ordinal))[token] = resolution;
    }
}
