namespace AuthCache.GrainInterfaces;

/// <summary>
/// A process's copy of the revocation list (a silo or an API host), subscribed to the
/// <see cref="IRevocationListGrain"/>. Each notification carries the list's epoch and version, so a subscriber can
/// tell it missed one and resynchronise.
/// </summary>
[Alias("AuthCache.IRevocationObserver")]
public interface IRevocationObserver : IGrainObserver
{
    /// <summary>
    /// Applies the revocations the list committed together (one version for the batch) and drops the matching cached
    /// answers this process holds.
    /// </summary>
    /// <returns>How many cached validations were dropped.</returns>
    [Alias("OnRevokedBatch")]
    Task<int> OnRevokedAsync(IReadOnlyList<RevocationRecord> records, Guid epoch, long version);

    /// <summary>Drops the cached answers and entries an invalidation takes back.</summary>
    /// <returns>What was dropped.</returns>
    [Alias("OnInvalidatedApplied")]
    Task<InvalidationApplied> OnInvalidatedAsync(CacheInvalidation invalidation, Guid epoch, long version);
}
