using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Revocation;

/// <summary>The cluster's revocation list as <see cref="RevocationListGrain"/> keeps it in grain storage.</summary>
[GenerateSerializer, Alias("AuthCache.RevocationListState")]
internal sealed record RevocationListState(Guid Epoch, long Version, IReadOnlyList<RevocationRecord> Records);
