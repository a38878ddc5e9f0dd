using AuthCache.GrainInterfaces;
using AuthCache.Grains.Revocation;
using AuthCache.Grains.StateProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Storage;

namespace AuthCache.Tests.Infrastructure;

/// <summary>Reads (and wipes) the revocation list's storage as it is stored: the header, then its segments, unauthenticated.</summary>
internal static class StoredRevocationList
{
    private const string HeaderState = "revocations";

    private static readonly GrainStateProtector AsStored = new(Options.Create(new StateProtectionOptions()), NullLogger<GrainStateProtector>.Instance);

    public static async Task<IReadOnlyList<RevocationRecord>> ReadAsync(IGrainStorage storage, GrainId list)
    {
        var header = new GrainState<RevocationListState>();
        await storage.ReadStateAsync(HeaderState, list, header);
        var records = new List<RevocationRecord>(header.RecordExists ? header.State!.Records ?? [] : []);
        var log = new RevocationLog(storage, list, AsStored);
        for (var number = header.RecordExists ? header.State!.FirstSegment : 0; ; number++)
        {
            var (segment, exists, _) = await log.ReadAsync(number);
            if (!exists)
            {
                return records;
            }

            records.AddRange(segment!.Records);
        }
    }

    /// <summary>The storage forgets the list: header and segments.</summary>
    public static async Task ClearAsync(IGrainStorage storage, GrainId list)
    {
        var header = new GrainState<RevocationListState>();
        await storage.ReadStateAsync(HeaderState, list, header);
        var log = new RevocationLog(storage, list, AsStored);
        for (var number = header.RecordExists ? header.State!.FirstSegment : 0; ; number++)
        {
            var (_, exists, etag) = await log.ReadAsync(number);
            if (!exists)
            {
                break;
            }

            await log.DeleteAsync(number, etag);
        }

        await storage.ClearStateAsync(HeaderState, list, header);
    }
}
