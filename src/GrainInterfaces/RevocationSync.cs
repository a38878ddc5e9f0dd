namespace AuthCache.GrainInterfaces;

/// <summary>
/// The answer to a silo's subscription: the list's identity (<see cref="Epoch"/>, new whenever the list starts
/// from empty storage) and version, and the whole list when the silo's copy is not at that version.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.RevocationSync")]
public sealed record RevocationSync(Guid Epoch, long Version, IReadOnlyList<RevocationRecord>? Records);
