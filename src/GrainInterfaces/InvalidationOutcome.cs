namespace AuthCache.GrainInterfaces;

/// <summary>
/// What a published <see cref="CacheInvalidation"/> did across the cluster, like a <see cref="RevocationOutcome"/>: the
/// cached validations and profiles dropped by the subscribers that were notified, and who did not confirm.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.InvalidationOutcome")]
public sealed record InvalidationOutcome(
    int DroppedValidations,
    int ConfirmedSilos,
    IReadOnlyList<string> UnconfirmedSilos,
    int ConfirmedHosts,
    IReadOnlyList<string> UnconfirmedHosts,
    int DroppedProfiles)
{
    /// <summary>Whether every active silo and every subscribed API host confirmed the invalidation.</summary>
    public bool Confirmed => UnconfirmedSilos.Count == 0 && UnconfirmedHosts.Count == 0;
}
