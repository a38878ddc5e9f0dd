using Orleans.Concurrency;

namespace AuthCache.GrainInterfaces;

/// <summary>
/// The cluster-wide list of revocations (one activation, key <see cref="Key"/>), persisted in grain storage.
/// Every silo subscribes its revocation cache; a revocation returns once every active silo has it.
/// </summary>
[Alias("AuthCache.IRevocationListGrain")]
public interface IRevocationListGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>
    /// Records the revocation (a later revocation of the same session or subject moves its time forward), persists
    /// it, and returns once every active silo has applied it or the confirmation time has passed.
    /// </summary>
    [Alias("Revoke")]
    Task<RevocationOutcome> RevokeAsync(RevocationKind kind, string value);

    /// <summary>
    /// Subscribes (or renews) a silo's cache. Returns the whole list when the silo's copy is not at the current
    /// epoch and version; the silo acknowledges once it has applied it. Interleaves, so a revocation waiting for a
    /// silo lets that silo catch up.
    /// </summary>
    [Alias("Subscribe"), AlwaysInterleave]
    Task<RevocationSync> SubscribeAsync(SiloAddress silo, IRevocationObserver observer, Guid knownEpoch, long knownVersion);

    /// <summary>The silo has applied the whole list up to <paramref name="version"/> (after a subscription returned it).</summary>
    [Alias("Acknowledge"), AlwaysInterleave]
    Task AcknowledgeAsync(SiloAddress silo, Guid epoch, long version);

    [Alias("Unsubscribe"), AlwaysInterleave]
    Task UnsubscribeAsync(SiloAddress silo);

    /// <summary>
    /// Gives back revocations a silo still holds that the list lost (storage that did not survive its silo): the
    /// silos' copies are the list's backup.
    /// </summary>
    [Alias("Restore")]
    Task RestoreAsync(IReadOnlyList<RevocationRecord> records);
}
