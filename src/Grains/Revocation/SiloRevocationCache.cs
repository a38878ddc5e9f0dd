using System.Diagnostics;
using AuthCache.Core;
using AuthCache.Core.Caching;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// This silo's copy of the cluster's revocation list, checked by every token validation and cache hit here
/// without any grain call.
/// <list type="bullet">
/// <item>Subscribed to the <see cref="IRevocationListGrain"/> as a grain observer: a revocation reaches it before
/// the revoke call returns, and it drops the matching cached validations this silo hosts.</item>
/// <item>Resubscribes every <see cref="SyncInterval"/> and at every membership change, pulling the whole list when
/// its copy is behind, so a missed notification, a reactivated list or a silo joining late converge. When the
/// list lost revocations this copy still holds (storage that died with its silo), it gives them back.</item>
/// <item>Indexes the validations cached on this silo by session, subject and token hash (bounded by the cached
/// validations themselves) so a revocation finds them without scanning.</item>
/// </list>
/// </summary>
public sealed partial class SiloRevocationCache(
    IGrainFactory grainFactory,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    RevocationMetrics metrics,
    TokenNearCache nearCache,
    ILogger<SiloRevocationCache> logger)
    : IRevocationObserver, ITokenRevocationCheck, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How often the subscription is renewed (and the copy compared with the list).</summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan DropTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan UnsubscribeTimeout = TimeSpan.FromSeconds(2);

    private readonly RevocationSet _revocations = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly TrackedValidationIndex _bySession = new();
    private readonly TrackedValidationIndex _bySubject = new();
    private readonly TrackedValidationIndex _byToken = new();
    private readonly SemaphoreSlim _syncNow = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private IRevocationObserver? _reference;
    private Task _loops = Task.CompletedTask;
    private long _version;
    private Guid _listEpoch;
    private long _listVersion;
    private int _tracked;
    private int _notReadyReported;

    /// <summary>Grows with every change to this copy: the cheap "anything new?" check of cache hits.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Completes once this silo has the whole list (its first synchronisation).</summary>
    public Task Ready => _ready.Task;

    public int Count => _revocations.Count;

    /// <summary>Cached validations on this silo that revocations can find.</summary>
    public int TrackedCount => Volatile.Read(ref _tracked);

    private RevocationPolicy Policy => RevocationPolicy.From(options.CurrentValue);

    public bool IsRevoked(RevocationCandidate candidate) => _revocations.IsRevoked(candidate, clock.UtcNow, Policy);

    /// <summary>
    /// A token grain gave up waiting for the first synchronisation and validates with what this copy has; logged
    /// once, as the sync loop reports its own failures.
    /// </summary>
    public void ReportNotReady()
    {
        if (Interlocked.Exchange(ref _notReadyReported, 1) == 0)
        {
            LogNotReady(logger);
        }
    }

    /// <summary>Counts a token rejected as revoked (see <see cref="RevocationCheckPath"/>).</summary>
    public void CountRejection(string path) => metrics.Rejected(path);

    /// <summary>The revocation facts of a freshly validated token, ready to be checked and tracked.</summary>
    public TrackedValidation Watch(string tokenHash, TokenValidationResult result) =>
        new(this, RevocationCandidate.From(tokenHash, result));

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloRevocationCache), ServiceLifecycleStage.Active, Start, Stop);

    public async Task<int> OnRevokedAsync(RevocationRecord record, Guid epoch, long version)
    {
        Learn([record]);
        lock (_lock)
        {
            // Only a notification that follows the copy's version keeps it whole; after a gap the next
            // synchronisation pulls the list.
            if (epoch == _listEpoch && version == _listVersion + 1)
            {
                _listVersion = version;
            }
        }

        return await DropAsync([record]);
    }

    /// <summary>Renews the subscription and brings this copy to the list's version (and the list to this copy's).</summary>
    public async Task SyncAsync()
    {
        Guid knownEpoch;
        long knownVersion;
        lock (_lock)
        {
            knownEpoch = _listEpoch;
            knownVersion = _listVersion;
        }

        var list = grainFactory.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);
        var sync = await list.SubscribeAsync(silo.SiloAddress, _reference ?? throw new InvalidOperationException("The revocation cache has not started."), knownEpoch, knownVersion);
        if (sync.Records is { } records)
        {
            var learned = Learn(records);
            if (learned.Count > 0)
            {
                LogCaughtUp(logger, learned.Count);
                await DropAsync(learned);
            }

            lock (_lock)
            {
                _listEpoch = sync.Epoch;
                _listVersion = sync.Version;
            }

            await list.AcknowledgeAsync(silo.SiloAddress, sync.Epoch, sync.Version);
            await RestoreMissingAsync(list, records);
        }

        _ready.TrySetResult();
    }

    internal void Track(TrackedValidation entry)
    {
        lock (_lock)
        {
            foreach (var (index, key) in IndexKeys(entry.Candidate))
            {
                index.Add(key, entry);
            }

            _tracked++;
        }
    }

    internal void Untrack(TrackedValidation entry)
    {
        lock (_lock)
        {
            foreach (var (index, key) in IndexKeys(entry.Candidate))
            {
                index.Remove(key, entry);
            }

            _tracked--;
        }
    }

    /// <summary>Every index a cached validation is found by, with its key there: token hash, sessions, subject.</summary>
    private IEnumerable<(TrackedValidationIndex Index, string Key)> IndexKeys(RevocationCandidate candidate)
    {
        yield return (_byToken, candidate.TokenHash);
        foreach (var session in candidate.SessionIds)
        {
            yield return (_bySession, session);
        }

        if (candidate.Subject is { } subject)
        {
            yield return (_bySubject, subject);
        }
    }

    private Task Start(CancellationToken cancellationToken)
    {
        _reference = grainFactory.CreateObjectReference<IRevocationObserver>(this);
        _loops = Task.WhenAll(
            Task.Run(() => SyncLoopAsync(_stopping.Token), CancellationToken.None),
            Task.Run(() => WatchMembershipAsync(_stopping.Token), CancellationToken.None));
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loops.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_reference is null)
        {
            return;
        }

        try
        {
            // A leaving silo is no longer waited for; a failure here only costs the list one failed notification.
            await grainFactory.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key).UnsubscribeAsync(silo.SiloAddress).WaitAsync(UnsubscribeTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnsubscribeFailed(logger, ex.GetType().Name);
        }

        grainFactory.DeleteObjectReference<IRevocationObserver>(_reference);
    }

    private async Task SyncLoopAsync(CancellationToken stopping)
    {
        var lastPrune = Stopwatch.GetTimestamp();
        var failing = false;
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                await SyncAsync();
                if (failing)
                {
                    failing = false;
                    LogSyncRecovered(logger);
                }

                delay = SyncInterval;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                if (!failing)
                {
                    failing = true;
                    LogSyncFailed(logger, ex.GetType().Name);
                }

                delay = RetryDelay;
            }

            if (Stopwatch.GetElapsedTime(lastPrune) >= PruneInterval)
            {
                lastPrune = Stopwatch.GetTimestamp();
                _revocations.Prune(clock.UtcNow, Policy);
            }

            try
            {
                await _syncNow.WaitAsync(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A membership change may mean the list's silo is gone: resubscribe at once rather than at the next interval,
    /// so the list's new activation knows every silo again.
    /// </summary>
    private async Task WatchMembershipAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(stopping))
            {
                try
                {
                    _syncNow.Release();
                }
                catch (SemaphoreFullException)
                {
                    // A synchronisation is already signalled.
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Adds records to this copy; returns the ones that changed it.</summary>
    internal List<RevocationRecord> Learn(IEnumerable<RevocationRecord> records)
    {
        var learned = new List<RevocationRecord>();
        foreach (var record in records)
        {
            if (_revocations.Add(record))
            {
                learned.Add(record);
            }
        }

        if (learned.Count > 0)
        {
            // After the additions: a hit that sees the new version also sees the new records, and an API host
            // in this process stops answering from its copies of answers given before.
            Interlocked.Increment(ref _version);
            nearCache.Invalidate();
        }

        return learned;
    }

    /// <summary>Deactivates the cached validations on this silo that the records reject; returns how many.</summary>
    private async Task<int> DropAsync(IReadOnlyList<RevocationRecord> records)
    {
        var now = clock.UtcNow;
        var policy = Policy;
        var matches = new HashSet<TrackedValidation>();
        lock (_lock)
        {
            foreach (var record in records)
            {
                var index = record.Kind switch
                {
                    RevocationKind.Session => _bySession,
                    RevocationKind.Subject => _bySubject,
                    _ => _byToken,
                };
                foreach (var entry in index.Find(record.Value))
                {
                    if (RevocationSet.Covers(record, entry.Candidate, now, policy))
                    {
                        matches.Add(entry);
                    }
                }
            }
        }

        var deactivations = new List<Task>(matches.Count);
        foreach (var entry in matches)
        {
            if (entry.Holder is { } holder)
            {
                holder.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "The cached token was revoked."));
                deactivations.Add(holder.Deactivated);
            }
        }

        try
        {
            await Task.WhenAll(deactivations).WaitAsync(DropTimeout);
        }
        catch (TimeoutException)
        {
            // Still rejected on every hit; the activation goes when its current call ends.
            LogDropSlow(logger, deactivations.Count);
        }

        metrics.Dropped(deactivations.Count);
        return deactivations.Count;
    }

    private async Task RestoreMissingAsync(IRevocationListGrain list, IReadOnlyList<RevocationRecord> listed)
    {
        var known = new RevocationSet();
        foreach (var record in listed)
        {
            known.Add(record);
        }

        var missing = _revocations.ActiveRecords(clock.UtcNow, Policy).Where(r => !known.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            LogRestoring(logger, missing.Count);
            await list.RestoreAsync(missing);
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Applied {Count} revocation(s) this silo had missed.")]
    private static partial void LogCaughtUp(ILogger logger, int count);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "The revocation list could not be synchronised ({ErrorType}); retrying every second.")]
    private static partial void LogSyncFailed(ILogger logger, string errorType);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Information, Message = "The revocation list is synchronised again.")]
    private static partial void LogSyncRecovered(ILogger logger);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Warning, Message = "Giving back {Count} revocation(s) the cluster list had lost.")]
    private static partial void LogRestoring(ILogger logger, int count);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Warning, Message = "{Count} revoked cached validation(s) are still finishing a call; they are rejected meanwhile.")]
    private static partial void LogDropSlow(ILogger logger, int count);

    [LoggerMessage(EventId = 2407, Level = LogLevel.Warning, Message = "This silo has not synchronised the revocation list yet; tokens are validated with the revocations it has until it does.")]
    private static partial void LogNotReady(ILogger logger);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Information, Message = "This silo's revocation subscription could not be removed ({ErrorType}).")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string errorType);
}
