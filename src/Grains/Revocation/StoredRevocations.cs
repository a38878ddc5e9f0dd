using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// The checks a revocation read back from storage, or given back by a subscriber, passes before it is believed: the
/// shape the list itself writes. A record failing them is not applied (it could be garbage that never expires).
/// </summary>
internal static class StoredRevocations
{
    /// <summary>The longest value the revocation endpoints and webhooks accept.</summary>
    public const int MaxValueLength = 256;

    /// <summary>How far ahead of this silo's clock another silo's may have stamped a revocation.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    public static bool IsWellFormed(RevocationRecord? record, DateTimeOffset now) =>
        record is not null
        && Enum.IsDefined(record.Kind)
        && !string.IsNullOrEmpty(record.Value)
        && record.Value.Length <= MaxValueLength
        && (record.Kind == RevocationKind.TokenHash ? record.Issuer is null : !string.IsNullOrEmpty(record.Issuer))
        && record.RevokedAt <= now + FutureTolerance;

    public static bool IsWellFormed(RevocationSegment? segment, DateTimeOffset now) =>
        segment is { Records: not null }
        && segment.Epoch != Guid.Empty
        && segment.Version >= 0
        && segment.Records.All(r => IsWellFormed(r, now));

    public static bool IsWellFormed(RevocationListState? header) =>
        header is not null && header.Epoch != Guid.Empty && header.Version >= 0 && header.FirstSegment >= 0;
}
