using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Revocation;

/// <summary>
/// The entries a process caches itself, apart from the copies of answers its replica's listeners keep (a silo's token
/// and profile activations): the process's <see cref="RevocationSubscription"/> evicts them when it receives an
/// invalidation, and answers the list with what they dropped.
/// </summary>
internal interface ILocalCacheEviction
{
    ValueTask<InvalidationApplied> EvictAsync(CacheInvalidation invalidation);

    /// <summary>
    /// The process's copy was behind and was replaced with the whole list, which does not carry invalidations: any
    /// may have been missed.
    /// </summary>
    void Resynchronised();
}
