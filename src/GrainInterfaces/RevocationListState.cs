namespace AuthCache.GrainInterfaces;

/// <summary>The cluster's revocation list as kept in grain storage.</summary>
[GenerateSerializer, Alias("AuthCache.RevocationListState")]
public sealed record RevocationListState(Guid Epoch, long Version, IReadOnlyList<RevocationRecord> Records);
