namespace AuthCache.GrainInterfaces;

/// <summary>
/// What the eviction of one user's profile did: whether the cluster held the profile (<see cref="ProfileDropped"/>),
/// how many active silos took note for the validations they cache (<see cref="Silos"/>), and which did not answer
/// (<see cref="UnreachableSilos"/>: their validations keep the profile they hold until they expire).
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.ProfileEvictionResult")]
public sealed record ProfileEvictionResult(bool ProfileDropped, int Silos, IReadOnlyList<string> UnreachableSilos);
