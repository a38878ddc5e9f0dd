namespace AuthCache.GrainInterfaces;

/// <summary>
/// A change that takes back answers cached anywhere in the cluster without being a revocation: it is delivered to
/// every subscriber of the <see cref="IRevocationListGrain"/> (silos and API hosts) once, and never kept. The kinds are
/// closed: <see cref="KeysRetired"/>, <see cref="CacheCleared"/>, <see cref="ProfileEvicted"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.CacheInvalidation")]
public abstract record CacheInvalidation
{
    private protected CacheInvalidation()
    {
    }

    /// <summary>
    /// Whether a validation made with <paramref name="keyId"/> of <paramref name="issuer"/> is taken back.
    /// </summary>
    public virtual bool Retires(string? issuer, string? keyId) => false;

    /// <summary>
    /// Whether an answer for <paramref name="subject"/> of <paramref name="issuer"/> carries an evicted profile.
    /// </summary>
    public virtual bool EvictsProfileOf(string? issuer, string? subject) => false;
}
