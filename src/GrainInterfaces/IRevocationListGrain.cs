using Orleans.Concurrency;

namespace AuthCache.GrainInterfaces;

/// <summary>
/// The cluster-wide list of revocations (one activation, key <see cref="Key"/>), persisted in grain storage, and the
/// channel of the cluster's other invalidations. Every silo and every API host that is a client of the cluster
/// subscribes its copy; a revocation or invalidation returns once every active silo and every subscribed host
/// has it.
/// </summary>
[Alias("AuthCache.IRevocationListGrain")]
public interface IRevocationListGrain : IGrainWithIntegerKey
{
    /// <summary>The key of the list's one activation.</summary>
    const long Key = 0;

    /// <summary>
    /// Records the revocation (a later revocation of the same session or subject moves its time forward), persists
    /// it, and returns once every subscriber has applied it or the confirmation time has passed.
    /// </summary>
    /// <param name="kind">What <paramref name="value"/> names: a session, a subject or a token hash.</param>
    /// <param name="issuer">The issuer whose session or subject <paramref name="value"/> names; ignored for a token
    /// hash.</param>
    /// <param name="value">The session id, the subject, or the token's SHA-256 (base64url).</param>
    [Alias("RevokeOfIssuer")]
    Task<RevocationOutcome> RevokeAsync(RevocationKind kind, string? issuer, string value);

    /// <summary>
    /// Delivers an invalidation to every subscriber, silos before API hosts (it is kept only in the log of recent
    /// batches, for subscribers that catch up), and returns once every subscriber has applied it or the confirmation
    /// time has passed, with what the notified subscribers dropped.
    /// </summary>
    [Alias("Publish"), SiloOnly]
    Task<InvalidationOutcome> PublishAsync(CacheInvalidation invalidation);

    /// <summary>
    /// Subscribes (or renews) a copy. Returns the whole list when the copy is not at the current epoch and version;
    /// the subscriber acknowledges once it has applied it. Interleaves, so a revocation waiting for a subscriber
    /// lets it catch up.
    /// </summary>
    [Alias("SubscribeCopy"), AlwaysInterleave]
    Task<RevocationSync> SubscribeAsync(
        RevocationSubscriber subscriber,
        IRevocationObserver observer,
        Guid knownEpoch,
        long knownVersion);

    /// <summary>
    /// The subscriber has applied the whole list up to <paramref name="version"/> (after a subscription returned it).
    /// </summary>
    [Alias("AcknowledgeCopy"), AlwaysInterleave]
    Task AcknowledgeAsync(string subscriber, Guid epoch, long version);

    /// <summary>Removes a subscriber that is stopping, so no change waits for its confirmation.</summary>
    [Alias("UnsubscribeCopy"), AlwaysInterleave]
    Task UnsubscribeAsync(string subscriber);

    /// <summary>
    /// Gives back revocations a subscriber still holds that the list lost (storage that did not survive its silo):
    /// the copies are the list's backup.
    /// </summary>
    [Alias("Restore")]
    Task RestoreAsync(IReadOnlyList<RevocationRecord> records);
}
