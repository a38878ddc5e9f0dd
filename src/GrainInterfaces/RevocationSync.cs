namespace AuthCache.GrainInterfaces;

/// <summary>
/// The answer to a subscription: the list's identity (<see cref="Epoch"/>, new whenever the list starts from empty
/// storage) and version, and what the copy lacks. <see cref="Records"/> is null when the copy is at that version. Else
/// it is a delta (<see cref="IsDelta"/>: the records and <see cref="Invalidations"/> committed after the copy's
/// version, to merge into it) when the list's log of recent batches still covers the copy's version, or the whole list
/// (to replace the copy with) when it does not, or the copy is of another epoch.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.RevocationSync")]
public sealed record RevocationSync(
    Guid Epoch,
    long Version,
    IReadOnlyList<RevocationRecord>? Records,
    bool IsDelta = false,
    IReadOnlyList<CacheInvalidation>? Invalidations = null);
