namespace AuthCache.GrainInterfaces;

/// <summary>What a published <see cref="CacheInvalidation"/> did across the cluster, like a <see cref="RevocationOutcome"/>.</summary>
[GenerateSerializer, Immutable, Alias("AuthCache.InvalidationOutcome")]
public sealed record InvalidationOutcome(
    int DroppedValidations,
    int ConfirmedSilos,
    IReadOnlyList<string> UnconfirmedSilos,
    int ConfirmedHosts,
    IReadOnlyList<string> UnconfirmedHosts)
{
    public bool Confirmed => UnconfirmedSilos.Count == 0 && UnconfirmedHosts.Count == 0;
}
