namespace AuthCache.GrainInterfaces;

/// <summary>
/// What a revocation did: the record as kept, the cached validations dropped on the silos that confirmed, and
/// the active silos and subscribed API hosts that did not confirm in time (they converge on their next
/// synchronisation; an API host stops answering from its copies meanwhile).
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.RevocationOutcome")]
public sealed record RevocationOutcome(
    RevocationRecord Record,
    int DroppedValidations,
    int ConfirmedSilos,
    IReadOnlyList<string> UnconfirmedSilos,
    bool Persisted,
    int ActiveRevocations,
    int ConfirmedHosts,
    IReadOnlyList<string> UnconfirmedHosts)
{
    /// <summary>Whether every active silo and every subscribed API host confirmed the revocation.</summary>
    public bool Confirmed => UnconfirmedSilos.Count == 0 && UnconfirmedHosts.Count == 0;
}
