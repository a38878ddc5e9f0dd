namespace AuthCache.AspNetCore.Caching;

/// <summary>
/// Phase 1 of the cache: the tokens resolved during one HTTP request (scoped service, gone with the request), so
/// the handler, policies and endpoint code resolving the same token again never reach a grain twice.
/// </summary>
public sealed class RequestAuthCache
{
    private Dictionary<string, TokenResolution>? _entries;

    public int Lookups { get; private set; }

    public int Hits { get; private set; }

    /// <summary>Resolutions of this request that went past the request cache (to a grain or a local validation).</summary>
    public int Resolutions { get; private set; }

    public bool TryGet(string token, out TokenResolution resolution)
    {
        Lookups++;
        if (_entries is not null && _entries.TryGetValue(token, out resolution!))
        {
            Hits++;
            return true;
        }

        resolution = null!;
        return false;
    }

    public void Add(string token, TokenResolution resolution)
    {
        Resolutions++;
        (_entries ??= new Dictionary<string, TokenResolution>(1, StringComparer.Ordinal))[token] = resolution;
    }
}
