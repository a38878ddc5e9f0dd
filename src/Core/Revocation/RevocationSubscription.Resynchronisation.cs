using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace AuthCache.Core.Revocation;

internal sealed partial class RevocationSubscription
{
    /// <summary>
    /// Applies the list's answer: a delta (what was committed since this copy's version, invalidations included) is
    /// merged into the copy; the whole list replaces it, and what the copy held beyond it is given back.
    /// </summary>
    private async Task SynchroniseAsync(
        IRevocationListGrain list, Guid knownEpoch, long knownVersion, List<RevocationRecord> notifiedMeanwhile)
    {
        var sync = await list.SubscribeAsync(Identity, _reference!, knownEpoch, knownVersion);
        if (sync.Records is not { } records)
        {
            return;
        }

        IReadOnlyList<RevocationRecord> kept = [];
        if (sync.IsDelta)
        {
            var (learned, _) = await Replica.LearnAsync(records);
            foreach (var invalidation in sync.Invalidations ?? [])
            {
                await ApplyAsync(invalidation);
            }

            if (learned.Count > 0)
            {
                LogCaughtUp(Logger, learned.Count, records.Count);
            }
        }
        else
        {
            // What the copy holds beyond the list is either about to expire (the list's clock is ahead) or lost by the
            // list: the latter is kept and given back.
            var policy = Replica.Policy;
            var horizon = Replica.Now + policy.ClockSkew;
            (var learned, kept) = await Replica.ReplaceAsync(records, r => policy.KeptUntil(r) > horizon);
            LogReplaced(Logger, learned.Count, records.Count);

            // A copy that had synchronised before and is that far behind may also have missed invalidations, which
            // the whole list does not carry: whatever was copied from answers before is dropped.
            if (knownEpoch != Guid.Empty)
            {
                await Replica.ResynchronisedAsync();
                LocalCaches?.Resynchronised();
            }
        }

        lock (_lock)
        {
            // Notifications that followed while the answer travelled may have taken the copy past it already; with
            // none, the list's version is the copy's (a list reactivated since numbers anew).
            _listVersion = _listEpoch == sync.Epoch && _listVersion != knownVersion
                ? Math.Max(_listVersion, sync.Version)
                : sync.Version;
            _listEpoch = sync.Epoch;
        }

        await list.AcknowledgeAsync(Identity.Name, sync.Epoch, sync.Version);
        if (kept.Count > 0)
        {
            List<RevocationRecord> notified;
            lock (_lock)
            {
                notified = [.. notifiedMeanwhile];
            }

            await RestoreMissingAsync(list, kept, notified);
        }
    }

    /// <summary>
    /// Gives back what this copy kept beyond the list's answer, except what cannot be a loss: revocations notified
    /// since the answer was taken (the list had them to notify them).
    /// </summary>
    private async Task RestoreMissingAsync(
        IRevocationListGrain list, IReadOnlyList<RevocationRecord> kept, List<RevocationRecord> notifiedMeanwhile)
    {
        var known = new RevocationSet();
        foreach (var record in notifiedMeanwhile)
        {
            known.Add(record);
        }

        var missing = kept.Where(r => !known.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            LogRestoring(Logger, missing.Count);
            await list.RestoreAsync(missing);
        }
    }

    [LoggerMessage(
        EventId = 2401,
        Level = LogLevel.Information,
        Message = "Applied {Count} revocation(s) this process had missed, of {Received} received as a delta.")]
    private static partial void LogCaughtUp(ILogger logger, int count, int received);

    [LoggerMessage(
        EventId = 2621,
        Level = LogLevel.Information,
        Message = "Replaced this process's copy of the revocation list with the whole list ({Received} "
            + "revocation(s), {Count} new here).")]
    private static partial void LogReplaced(ILogger logger, int count, int received);

    [LoggerMessage(
        EventId = 2404,
        Level = LogLevel.Warning,
        Message = "Giving back {Count} revocation(s) the cluster list had lost.")]
    private static partial void LogRestoring(ILogger logger, int count);
}
