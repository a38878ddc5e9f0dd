using System.Diagnostics;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace AuthCache.Core.Revocation;

/// <summary>
/// Keeps a <see cref="RevocationReplica"/> subscribed to the cluster's <see cref="IRevocationListGrain"/>, in a silo
/// and in an API host alike: the list notifies it of every revocation and invalidation before the call that made
/// them returns, and it renews the subscription every <see cref="SyncInterval"/> (and at once when its process
/// signals a membership change or a reconnection), receiving what it missed when its copy is behind (a delta, or the
/// whole list when the list no longer keeps the batches since its version). Notifications
/// carry the list's epoch and version: one that does not follow the last marks the copy behind until the next
/// synchronisation. When the list lost revocations this copy still holds (storage that died with its silo), it
/// gives them back. An invalidation also evicts the entries the process caches itself (<paramref name="localCaches"/>,
/// a silo's), and the subscription answers what it dropped.
/// </summary>
internal sealed partial class RevocationSubscription(
    IGrainFactory grainFactory,
    RevocationReplica replica,
    RevocationSubscriber identity,
    TimeProvider time,
    ILogger<RevocationSubscription> logger,
    ILocalCacheEviction? localCaches = null)
    : IRevocationObserver, IAsyncDisposable
{
    /// <summary>
    /// How often the subscription is renewed at most (and the copy compared with the list); more often when half the
    /// replica's <see cref="RevocationReplica.MaxLag"/> is shorter.
    /// </summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan UnsubscribeTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _syncNow = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private IRevocationObserver? _reference;
    private Task _loop = Task.CompletedTask;
    private Guid _listEpoch;
    private long _listVersion;
    private long _gaps;

    // Revocations notified while a synchronisation is under way: the list had them when it notified, so they are
    // not missing from it, whatever its answer (taken earlier) says.
    private List<RevocationRecord>? _notifiedDuringSync;

    public RevocationSubscriber Identity => identity;

    private IRevocationListGrain List => grainFactory.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);

    // A primary constructor's parameters are in scope only in the part of the class that declares them: the other
    // parts reach them through these.
    private RevocationReplica Replica => replica;

    private ILocalCacheEviction? LocalCaches => localCaches;

    private ILogger Logger => logger;

    public void Start()
    {
        replica.AttachSynchroniser(SyncSoon);
        _loop = Task.Run(() => SyncLoopAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>
    /// Renews the subscription now rather than at the next interval (a membership change, a
    /// reconnection).
    /// </summary>
    public void SyncSoon()
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

    /// <summary>The process lost its connection to the cluster: notifications may be missed until it is back.</summary>
    public void ConnectionLost()
    {
        replica.MarkBehind();
        SyncSoon();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_reference is null)
        {
            return;
        }

        try
        {
            // A leaving subscriber is no longer waited for; a failure here only costs the list one failed notification.
            await List.UnsubscribeAsync(identity.Name).WaitAsync(UnsubscribeTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnsubscribeFailed(logger, ex.GetType().Name);
        }

        grainFactory.DeleteObjectReference<IRevocationObserver>(_reference);
        _reference = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
        _syncNow.Dispose();
    }

    /// <summary>
    /// Renews the subscription and brings this copy to the list's version (and the list to this
    /// copy's).
    /// </summary>
    public async Task SyncAsync()
    {
        Guid knownEpoch;
        long knownVersion;
        long gapsBefore;
        lock (_lock)
        {
            knownEpoch = _listEpoch;
            knownVersion = _listVersion;
            gapsBefore = _gaps;
        }

        var startedAt = time.GetTimestamp();
        var list = List;
        _reference ??= grainFactory.CreateObjectReference<IRevocationObserver>(this);
        List<RevocationRecord> notifiedMeanwhile = [];
        lock (_lock)
        {
            _notifiedDuringSync = notifiedMeanwhile;
        }

        try
        {
            await SynchroniseAsync(list, knownEpoch, knownVersion, notifiedMeanwhile);
        }
        finally
        {
            lock (_lock)
            {
                _notifiedDuringSync = null;
            }
        }

        bool missedOne;
        lock (_lock)
        {
            missedOne = _gaps != gapsBefore;
        }

        if (missedOne)
        {
            // A notification that did not follow arrived meanwhile: what it skipped may be newer than this answer.
            SyncSoon();
        }
        else
        {
            replica.MarkSynchronised(startedAt);
        }
    }

    public async Task<int> OnRevokedAsync(IReadOnlyList<RevocationRecord> records, Guid epoch, long version)
    {
        lock (_lock)
        {
            // Before the copy has them: a comparison that finds them in the copy finds them here too.
            _notifiedDuringSync?.AddRange(records);
        }

        Follow(epoch, version);
        var (_, dropped) = await replica.LearnAsync(records);
        return dropped;
    }

    public async Task<InvalidationApplied> OnInvalidatedAsync(CacheInvalidation invalidation, Guid epoch, long version)
    {
        Follow(epoch, version);
        return await ApplyAsync(invalidation);
    }

    private async Task<InvalidationApplied> ApplyAsync(CacheInvalidation invalidation)
    {
        var dropped = await replica.ApplyAsync(invalidation);
        if (localCaches is null)
        {
            return new InvalidationApplied(dropped, 0);
        }

        var evicted = await localCaches.EvictAsync(invalidation);
        return evicted with { DroppedValidations = evicted.DroppedValidations + dropped };
    }

    /// <summary>
    /// Only a notification that follows the copy's version keeps it whole; after a gap the copy is behind until the
    /// next synchronisation pulls the list.
    /// </summary>
    private void Follow(Guid epoch, long version)
    {
        lock (_lock)
        {
            if (epoch == _listEpoch && version == _listVersion + 1)
            {
                _listVersion = version;
                return;
            }

            // A change the last synchronisation's answer already counted (it was made while the answer travelled).
            if (epoch == _listEpoch && version <= _listVersion)
            {
                return;
            }

            _gaps++;
        }

        replica.MarkBehind();
        SyncSoon();
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

                // Often enough that a host in touch with its cluster never finds its copy older than it may answer
                // from.
                delay = TimeSpan.FromTicks(Math.Min(SyncInterval.Ticks, replica.MaxLag.Ticks / 2));
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
                replica.Prune();
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

    [LoggerMessage(
        EventId = 2402,
        Level = LogLevel.Warning,
        Message = "The revocation list could not be synchronised ({ErrorType}); retrying every second.")]
    private static partial void LogSyncFailed(ILogger logger, string errorType);

    [LoggerMessage(
        EventId = 2403,
        Level = LogLevel.Information,
        Message = "The revocation list is synchronised again.")]
    private static partial void LogSyncRecovered(ILogger logger);

    [LoggerMessage(
        EventId = 2406,
        Level = LogLevel.Information,
        Message = "This process's revocation subscription could not be removed ({ErrorType}).")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string errorType);
}
