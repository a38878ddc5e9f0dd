using AuthCache.GrainInterfaces;
using AuthCache.Grains.StateProtection;
using Orleans.Storage;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// Where the revocation list keeps its segments: each <see cref="RevocationSegment"/> is a storage record of its own,
/// numbered from the header's <see cref="RevocationListState.FirstSegment"/>, written only where none exists yet (a
/// write that finds one fails, so two writers never overwrite each other). The last segment is found by reading on
/// until a number is free, so appending needs no write of the header. Each segment has its own grain id: storage
/// providers key a record by grain id, some without the state name.
/// <para>
/// With <c>Orleans:StateProtection:Key</c>, each segment carries an authentication code over its records, its list
/// and its number, and a segment read back without the right one is handed over as unreadable: whoever can write
/// the storage but not read the key cannot revoke in the cluster's name. Without a key segments are believed as
/// stored, because a revocation only takes access away and refusing them would undo sign-outs at every restart.
/// A code cannot stop a segment from being deleted; the subscribers' copies give such revocations back.
/// </para>
/// </summary>
internal sealed class RevocationLog(IGrainStorage storage, GrainId list, GrainStateProtector protector)
{
    public const string SegmentStateName = "revocation-segment";

    private static readonly GrainType SegmentType = GrainType.Create("authcache-revocation-segment");

    public static GrainId SegmentId(GrainId list, long number) =>
        GrainId.Create(SegmentType, IdSpan.Create($"{list.Key}/{number}"));

    /// <summary>
    /// The stored segment (null when there is none, or when it fails its authentication), with its ETag.
    /// </summary>
    public async Task<(RevocationSegment? Segment, bool Exists, string? ETag)> ReadAsync(long number)
    {
        var state = new GrainState<RevocationSegment>();
        await storage.ReadStateAsync(SegmentStateName, SegmentId(list, number), state);
        var believed = state.RecordExists && IsAuthentic(state.State, number) ? state.State : null;
        return (believed, state.RecordExists, state.ETag);
    }

    /// <summary>
    /// Writes the segment under a number no segment has yet; returns its ETag, or null when the number is taken.
    /// </summary>
    public async Task<string?> TryAppendAsync(long number, RevocationSegment segment)
    {
        var state = new GrainState<RevocationSegment>(
            segment with
            {
                Mac = protector.Sign(RevocationSegment.Purpose, segment.Canonical(list, number)),
            });
        try
        {
            await storage.WriteStateAsync(SegmentStateName, SegmentId(list, number), state);
            return state.ETag ?? string.Empty;
        }
        catch (InconsistentStateException)
        {
            return null;
        }
    }

    private bool IsAuthentic(RevocationSegment? segment, long number) =>
        !protector.IsEnabled
        || (
            segment is { Records: not null }
            && protector.Verify(RevocationSegment.Purpose, segment.Canonical(list, number), segment.Mac));

    public async Task DeleteAsync(long number, string? etag)
    {
        var id = SegmentId(list, number);
        try
        {
            await storage.ClearStateAsync(SegmentStateName, id, new GrainState<RevocationSegment> { ETag = etag });
        }
        catch (InconsistentStateException)
        {
            // Rewritten since it was read (by a writer that found it free after all): delete what is there now.
            var (_, exists, current) = await ReadAsync(number);
            if (exists)
            {
                await storage.ClearStateAsync(
                    SegmentStateName,
                    id,
                    new GrainState<RevocationSegment> { ETag = current });
            }
        }
    }
}
