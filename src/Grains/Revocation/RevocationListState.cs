using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// The head of the revocation list's storage (<see cref="RevocationLog"/>): the list's epoch, the version it had
/// reached when this was last written, and the first segment still kept. <see cref="Records"/> is where a list stored
/// whole kept its records; it is read once, moved into a segment and written back empty.
/// </summary>
[GenerateSerializer, Alias("AuthCache.RevocationListState")]
internal sealed record RevocationListState(
    Guid Epoch,
    long Version,
    IReadOnlyList<RevocationRecord> Records,
    long FirstSegment = 0);
