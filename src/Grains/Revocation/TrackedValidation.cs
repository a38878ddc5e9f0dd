using AuthCache.Core.Revocation;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// A cached validation as the silo's revocation cache sees it: the token's revocation facts and the activation
/// that holds it, so a revocation can drop it. Owned by one <see cref="TokenValidationGrain"/> activation.
/// </summary>
public sealed class TrackedValidation : IDisposable
{
    private readonly SiloRevocationCache _cache;
    private long _checkedVersion = -1;

    internal TrackedValidation(SiloRevocationCache cache, RevocationCandidate candidate)
    {
        _cache = cache;
        Candidate = candidate;
    }

    public RevocationCandidate Candidate { get; }

    internal IGrainContext? Holder { get; private set; }

    /// <summary>
    /// The full lookup runs only when the silo's revocations changed since this token was last checked, so a cache
    /// hit normally costs one volatile read. Revocations only ever add rejections, so an unchanged set cannot
    /// have started rejecting this token.
    /// </summary>
    public bool IsRevoked()
    {
        var version = _cache.Version;
        if (version == _checkedVersion)
        {
            return false;
        }

        if (_cache.IsRevoked(Candidate))
        {
            return true;
        }

        _checkedVersion = version;
        return false;
    }

    /// <summary>Registers the activation that caches this token, so revocations can find and drop it.</summary>
    public void Track(IGrainContext holder)
    {
        Holder = holder;
        _cache.Track(this);
    }

    public void Dispose()
    {
        if (Holder is not null)
        {
            _cache.Untrack(this);
            Holder = null;
        }
    }
}
