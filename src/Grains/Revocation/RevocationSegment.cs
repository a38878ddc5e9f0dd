using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// One committed batch of the revocation list (<see cref="RevocationLog"/>): the revocations it added, and the list's
/// epoch and version once it was applied. Written once, never rewritten; deleted when every record in it has expired.
/// </summary>
[GenerateSerializer, Alias("AuthCache.RevocationSegment")]
internal sealed record RevocationSegment(Guid Epoch, long Version, IReadOnlyList<RevocationRecord> Records);
