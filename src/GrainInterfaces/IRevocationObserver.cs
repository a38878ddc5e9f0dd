namespace AuthCache.GrainInterfaces;

/// <summary>The revocation cache of one silo, subscribed to the <see cref="IRevocationListGrain"/>.</summary>
[Alias("AuthCache.IRevocationObserver")]
public interface IRevocationObserver : IGrainObserver
{
    /// <summary>Applies a new revocation and drops the matching cached validations this silo hosts.</summary>
    /// <returns>How many cached validations were dropped.</returns>
    [Alias("OnRevoked")]
    Task<int> OnRevokedAsync(RevocationRecord record, Guid epoch, long version);
}
