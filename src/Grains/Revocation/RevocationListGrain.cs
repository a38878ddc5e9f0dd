using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.StateProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// The cluster's revocation list: one activation, persisted in <see cref="AuthCacheStorage.Name"/>, with the
/// revocation replica of every silo and of every API host that is a client of the cluster subscribed as an observer.
/// <list type="bullet">
/// <item>Group commit: revocations that arrive while a write is in flight wait for it and are then committed together,
/// as one <see cref="RevocationSegment"/> written to storage (<see cref="RevocationLog"/>: the batch's bytes, never the
/// whole list) and one notification per subscriber. Calls interleave so that they can queue; one writer applies,
/// writes and notifies the batches in order, so each batch is one version and subscribers see versions follow.</item>
/// <item>Subscribers, their leases and the confirmation protocol are the <see cref="SubscriberTable"/>'s: a change
/// answers once its batch is durable and every active silo of the membership and every API host subscribed in the last
/// lease (expired since or not) has it (notified, or caught up through its own subscription), or after
/// <see cref="SubscriberTable.ConfirmationWait"/>, naming those that did not confirm. A host that missed it has stopped
/// trusting its copy by then (its trust lasts <see cref="RevocationReplica.TrustWindow"/> from its last
/// synchronisation).</item>
/// <item>Invalidations (retired keys, cleanups, profile evictions) travel the same way, each alone, to silos first and
/// then to API hosts (which copy answers from silos), and advance the same version, so a subscriber that missed one
/// notices; they are not kept beyond the log of recent batches, only the version they reached is. A silo evicts its own
/// cached entries when its subscription receives one, and answers what it dropped.</item>
/// <item>Records leave memory once past their retention (<see cref="RevocationPolicy"/>), and storage in the
/// background: the oldest segments are deleted once even the longest-kept record they could hold has expired.</item>
/// <item>A subscription that finds its copy behind is answered with what it missed (<see cref="RecentBatches"/>: the
/// recent batches, bounded in records and bytes), or with the whole list when its gap is older than that, it is of
/// another epoch, or this activation cannot tell what its version means.</item>
/// <item>Subscriptions live in memory only: after a reactivation the subscribers resubscribe (at once on a membership
/// change, otherwise within their sync interval), and a revocation waits for them meanwhile. The log of recent batches
/// is rebuilt from the stored segments, so a copy a few versions behind still gets a delta.</item>
/// </list>
/// </summary>
[KeepAlive, Reentrant]
internal sealed partial class RevocationListGrain(
    [PersistentState("revocations", AuthCacheStorage.Name)] IPersistentState<RevocationListState> header,
    IClusterMembershipService membership,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    TimeProvider time,
    ILogger<RevocationListGrain> logger) : Grain, IRevocationListGrain
{
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);

    // A silo's cleanup is one local grain call per entry it drops (a few seconds for an emergency clear of 250,000);
    // with the hosts' turn and the confirmation wait after it, kept under Orleans' 30 s response timeout of the caller.
    private static readonly TimeSpan CleanupNotifyTimeout = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan CompactionInterval = TimeSpan.FromMinutes(1);
    private const int AppendAttempts = 8;

    private readonly RevocationSet _records = new();
    private readonly SubscriberTable _subscribers = new(time, logger);
    private readonly List<Change> _pending = [];
    private readonly Queue<StoredSegment> _segments = new();
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly RecentBatches _recent = new(0);
    private List<RevocationRecord> _unpersisted = [];
    private RevocationLog _log = null!;
    private Task _writer = Task.CompletedTask;
    private bool _compacting;
    private Guid _epoch;
    private long _version;
    private long _activatedVersion;
    private long _firstSegment;
    private long _nextSegment;

    private RevocationPolicy Policy => RevocationPolicy.From(options.CurrentValue);

    // A primary constructor's parameters are in scope only in the part of the class that declares them: the other
    // parts reach them through these.
    private ILogger Logger => logger;

    private AuthCacheClock Clock => clock;

    private IClusterMembershipService Membership => membership;

    private IPersistentState<RevocationListState> Header => header;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _log = new RevocationLog(
            ServiceProvider.GetRequiredKeyedService<IGrainStorage>(AuthCacheStorage.Name),
            this.GetGrainId(),
            ServiceProvider.GetRequiredService<GrainStateProtector>());
        var now = clock.UtcNow;
        var policy = Policy;
        IReadOnlyList<RevocationRecord> storedWhole = [];
        var headerBelieved = header.RecordExists && StoredRevocations.IsWellFormed(header.State);
        if (headerBelieved)
        {
            _epoch = header.State.Epoch;
            _version = header.State.Version;
            _firstSegment = _nextSegment = header.State.FirstSegment;
            storedWhole = header.State.Records ?? [];
        }
        else
        {
            if (header.RecordExists)
            {
                LogHeaderRejected(logger);
            }

            // A new epoch tells the subscribers this list starts over, so they resynchronise and give back what they
            // hold.
            _epoch = Guid.NewGuid();
        }

        await ReadSegmentsAsync(now, policy);
        var moved = storedWhole.Where(r => StoredRevocations.IsWellFormed(r, now) && policy.IsActive(r, now)).ToList();
        foreach (var record in moved)
        {
            _records.Add(record);
        }

        if (moved.Count > 0)
        {
            // A list stored whole: its records become a segment, then the header is written without them.
            await AppendAsync(new RevocationSegment(_epoch, _version, moved), now);
        }

        if (!headerBelieved || storedWhole.Count > 0)
        {
            await WriteHeaderAsync(_firstSegment);
        }

        // Versions past the stored ones were invalidations of an earlier activation, which this one numbers anew.
        _activatedVersion = _version;
        if (moved.Count > 0 || _recent.Newest != _version)
        {
            // The stored segments do not end at the list's version (invalidations after them are not stored, or the
            // records were stored whole): only a copy at this version is known to lack nothing.
            _recent.Reset(_version);
        }

        LogRestored(logger, _records.Count, _segments.Count);
        this.RegisterGrainTimer(
            static (grain, _) => grain.CompactAsync(),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = CompactionInterval,
                Period = CompactionInterval,
                Interleave = true,
            });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(
            ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

    public Task<RevocationOutcome> RevokeAsync(RevocationKind kind, string? issuer, string value)
    {
        var scope = kind == RevocationKind.TokenHash
            ? null
            : issuer ?? throw new ArgumentNullException(
                nameof(issuer), "A session or subject is revoked for its issuer.");
        var change = new Revocation(new RevocationRecord(kind, value, clock.UtcNow, scope));
        Enqueue(change);
        return change.Done.Task;
    }

    public Task<InvalidationOutcome> PublishAsync(CacheInvalidation invalidation)
    {
        var change = new Invalidation(invalidation);
        Enqueue(change);
        return change.Done.Task;
    }

    public Task RestoreAsync(IReadOnlyList<RevocationRecord> records)
    {
        var change = new GivenBack(records);
        Enqueue(change);
        return change.Done.Task;
    }

    /// <summary>
    /// Renews the subscription and answers what the copy lacks: nothing when it is at the list's version, the batches
    /// committed since its version when <see cref="RecentBatches"/> still has them all (a delta), else the whole list.
    /// A copy's version is this activation's numbering only once this activation has answered it, or when it is one
    /// the stored list reached (the versions an earlier activation gave invalidations are given again here).
    /// </summary>
    public Task<RevocationSync> SubscribeAsync(
        RevocationSubscriber who, IRevocationObserver observer, Guid knownEpoch, long knownVersion)
    {
        var comparable = knownEpoch == _epoch && (knownVersion <= _activatedVersion || _answered.Contains(who.Name));
        _subscribers.Renew(who, observer, comparable ? knownVersion : -1);
        _answered.Add(who.Name);
        var now = clock.UtcNow;
        var policy = Policy;
        if (comparable && knownVersion == _version)
        {
            return Task.FromResult(new RevocationSync(_epoch, _version, null));
        }

        if (comparable && _recent.TryGetSince(knownVersion, out var missed, out var invalidations))
        {
            missed.RemoveAll(r => !policy.IsActive(r, now));
            return Task.FromResult(new RevocationSync(_epoch, _version, missed, IsDelta: true, invalidations));
        }

        return Task.FromResult(new RevocationSync(_epoch, _version, _records.ActiveRecords(now, policy)));
    }

    public Task AcknowledgeAsync(string subscriber, Guid epoch, long version)
    {
        if (epoch == _epoch)
        {
            _subscribers.Acknowledge(subscriber, version);
        }

        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(string subscriber)
    {
        _subscribers.Remove(subscriber);
        return Task.CompletedTask;
    }

    private void Enqueue(Change change)
    {
        _pending.Add(change);
        if (_writer.IsCompleted)
        {
            _writer = WriteAsync();
        }
    }

    [LoggerMessage(
        EventId = 2411,
        Level = LogLevel.Information,
        Message = "Revocation list loaded with {Count} active revocation(s) from {Segments} stored segment(s).")]
    private static partial void LogRestored(ILogger logger, int count, int segments);

    [LoggerMessage(
        EventId = 2412,
        Level = LogLevel.Warning,
        Message = "Subscribers gave back {Count} revocation(s) the stored list had lost.")]
    private static partial void LogGivenBack(ILogger logger, int count);

    [LoggerMessage(
        EventId = 2415,
        Level = LogLevel.Error,
        Message = "The revocation list could not be persisted ({ErrorType}); revocations are applied but would not "
            + "survive the loss of this activation.")]
    private static partial void LogPersistFailed(ILogger logger, string errorType);

    [LoggerMessage(
        EventId = 2661,
        Level = LogLevel.Error,
        Message = "The stored head of the revocation list failed its checks and is not believed; the list starts a "
            + "new epoch and its subscribers give back what they hold.")]
    private static partial void LogHeaderRejected(ILogger logger);

    [LoggerMessage(
        EventId = 2662,
        Level = LogLevel.Error,
        Message = "Stored revocation segment {Segment} failed its checks and is not believed; it is deleted at the "
            + "next compaction.")]
    private static partial void LogSegmentRejected(ILogger logger, long segment);

    [LoggerMessage(
        EventId = 2663,
        Level = LogLevel.Debug,
        Message = "Compaction deleted {Segments} expired revocation segment(s); {Count} revocation(s) remain "
            + "active.")]
    private static partial void LogCompacted(ILogger logger, int segments, int count);

    [LoggerMessage(
        EventId = 2664,
        Level = LogLevel.Warning,
        Message = "Compaction of the revocation list's storage failed ({ErrorType}); it is tried again within a "
            + "minute.")]
    private static partial void LogCompactionFailed(ILogger logger, string errorType);
}
