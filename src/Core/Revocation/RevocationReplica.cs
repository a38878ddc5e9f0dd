using System.Diagnostics.Metrics;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.Core.Revocation;

/// <summary>
/// This process's copy of the cluster's revocation list: the set every path of this process checks (a silo's token
/// grains, an API host's near cache, grain answers, direct and fallback validations), its version, and the change
/// event its cached answers subscribe to. Filled by a <see cref="RevocationSubscription"/>.
/// <list type="bullet">
/// <item>Checks are dictionary reads, and <see cref="IsRevoked(RevocationCandidate, ref long)"/> skips even those while
/// nothing changed: cheap enough for every cache hit.</item>
/// <item><see cref="IsCurrent"/> says whether the copy is confirmed in sync with the list: synchronised less than
/// <see cref="TrustWindow"/> ago (real time) and no notification missed since. A copy that is not current must not
/// be used to answer from copies of answers: a revocation it missed is refused by the grains.</item>
/// </list>
/// </summary>
internal sealed partial class RevocationReplica : ITokenRevocationCheck
{
    /// <summary>
    /// How long a synchronisation vouches for the copy. Not longer than the time a revocation waits for its
    /// subscribers, so a subscriber that missed it has stopped trusting its copy by the time the call returns.
    /// </summary>
    public static readonly TimeSpan TrustWindow = TimeSpan.FromSeconds(10);

    private readonly Lock _writeLock = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _listenersLock = new();
    private readonly IOptionsMonitor<AuthCacheOptions> _options;
    private readonly AuthCacheClock _clock;
    private readonly TimeProvider _time;
    private readonly ILogger<RevocationReplica> _logger;
    private IRevocationReplicaListener[] _listeners = [];
    private volatile RevocationSet _revocations = new();
    private TaskCompletionSource _nextSynchronisation = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action? _synchronise;
    private long _version;
    private long _trustedUntil;
    private int _notReadyReported;

    public RevocationReplica(
        IOptionsMonitor<AuthCacheOptions> options,
        AuthCacheClock clock,
        TimeProvider time,
        IMeterFactory meterFactory,
        ILogger<RevocationReplica> logger)
    {
        _options = options;
        _clock = clock;
        _time = time;
        _logger = logger;
        meterFactory
            .Create(AuthCacheMetrics.MeterName)
            .CreateObservableGauge(
                "authcache.revocation_replica.in_sync",
                () => IsCurrent ? 1 : 0,
                description: "1 while this process's copy of the revocation list is confirmed in sync with the "
                    + "cluster's list, else 0.");
    }

    /// <summary>Grows with every revocation learned: the cheap "anything new?" check of cache hits.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Completes once this copy has had the whole list (its first synchronisation).</summary>
    public Task Ready => _ready.Task;

    public int Count => _revocations.Count;

    /// <summary>Confirmed in sync with the cluster's list within the <see cref="TrustWindow"/>.</summary>
    public bool IsCurrent => _time.GetTimestamp() < Interlocked.Read(ref _trustedUntil);

    /// <summary>
    /// Whether the list confirmed this copy in sync less than <paramref name="maxLag"/> ago (real time), with no change
    /// missed since: one timestamp read.
    /// </summary>
    public bool IsConfirmedWithin(TimeSpan maxLag)
    {
        var trustedUntil = Interlocked.Read(ref _trustedUntil);
        return trustedUntil != 0 && _time.GetTimestamp() < trustedUntil - Ticks(TrustWindow) + Ticks(maxLag);
    }

    /// <summary>
    /// How long ago the copy may last have been confirmed before this host resynchronises it to answer.
    /// </summary>
    public TimeSpan MaxLag => _options.CurrentValue.Revocation.MaxReplicaLag;

    /// <summary>Completes at the next synchronisation (whatever time it vouches for: check again).</summary>
    public Task NextSynchronisation => Volatile.Read(ref _nextSynchronisation).Task;

    /// <summary>The process's subscription, asked by <see cref="RequestSynchronisation"/> to synchronise now.</summary>
    public void AttachSynchroniser(Action synchronise) => _synchronise = synchronise;

    public bool HasSynchroniser => _synchronise is not null;

    /// <summary>Asks for a synchronisation now; nothing when no subscription keeps this copy.</summary>
    public void RequestSynchronisation() => _synchronise?.Invoke();

    /// <summary>The retention and clock skew the copy applies (they follow the options).</summary>
    public RevocationPolicy Policy => RevocationPolicy.From(_options.CurrentValue);

    /// <summary>The time revocations are judged at (the cache's clock).</summary>
    public DateTimeOffset Now => _clock.UtcNow;

    public bool IsRevoked(RevocationCandidate candidate) => _revocations.IsRevoked(candidate, _clock.UtcNow, Policy);

    /// <summary>
    /// The check of a cached answer: the full lookup runs only when revocations were learned since
    /// <paramref name="checkedVersion"/> (the version this answer was last found clean at, updated here).
    /// Revocations only ever add rejections, so an unchanged set cannot have started rejecting it.
    /// </summary>
    public bool IsRevoked(RevocationCandidate candidate, ref long checkedVersion)
    {
        var version = Version;
        if (version == Volatile.Read(ref checkedVersion))
        {
            return false;
        }

        if (IsRevoked(candidate))
        {
            return true;
        }

        Volatile.Write(ref checkedVersion, version);
        return false;
    }

    /// <summary>Whether the copy holds <paramref name="record"/> at its time or later.</summary>
    public bool Contains(RevocationRecord record) => _revocations.Contains(record);

    public List<RevocationRecord> ActiveRecords() => _revocations.ActiveRecords(_clock.UtcNow, Policy);

    /// <summary>Drops revocations past the retention.</summary>
    public int Prune()
    {
        lock (_writeLock)
        {
            return _revocations.Prune(_clock.UtcNow, Policy);
        }
    }

    /// <summary>Adds records to this copy and tells the listeners about the new ones.</summary>
    /// <returns>The records that changed the copy, and how many cached validations the listeners dropped.</returns>
    public async ValueTask<(IReadOnlyList<RevocationRecord> Learned, int Dropped)> LearnAsync(
        IEnumerable<RevocationRecord> records)
    {
        var learned = new List<RevocationRecord>();
        lock (_writeLock)
        {
            var revocations = _revocations;
            foreach (var record in records)
            {
                if (revocations.Add(record))
                {
                    learned.Add(record);
                }
            }

            // Revocations arrive in time order: those past their retention leave as new ones come, at the cost of what
            // goes.
            revocations.PruneDue(_clock.UtcNow, Policy);
        }

        if (learned.Count == 0)
        {
            return (learned, 0);
        }

        // After the additions: a hit that sees the new version also sees the new records.
        Interlocked.Increment(ref _version);
        return (learned, await NotifyAsync(new RevocationsLearned(learned)));
    }

    /// <summary>
    /// Replaces this copy with the whole list, keeping of what it held beyond it only what <paramref name="keep"/>
    /// accepts (revocations the list lost, which the caller gives back), and tells the listeners about the records
    /// new here. A change learned meanwhile lands either in the copy replaced, and is kept if accepted, or in the new
    /// one.
    /// </summary>
    /// <returns>The records new to this copy, and those it kept beyond the list.</returns>
    public async ValueTask<(
        IReadOnlyList<RevocationRecord> Learned,
        IReadOnlyList<RevocationRecord> Kept
    )> ReplaceAsync(IReadOnlyList<RevocationRecord> whole, Func<RevocationRecord, bool> keep)
    {
        var learned = new List<RevocationRecord>();
        var kept = new List<RevocationRecord>();
        lock (_writeLock)
        {
            var current = _revocations;
            var replacement = new RevocationSet();
            foreach (var record in whole)
            {
                replacement.Add(record);
                if (!current.Contains(record))
                {
                    learned.Add(record);
                }
            }

            foreach (var record in current.ActiveRecords(_clock.UtcNow, Policy))
            {
                if (!replacement.Contains(record) && keep(record))
                {
                    replacement.Add(record);
                    kept.Add(record);
                }
            }

            _revocations = replacement;
        }

        if (learned.Count > 0)
        {
            // After the swap: a hit that sees the new version also sees the new records.
            Interlocked.Increment(ref _version);
            await NotifyAsync(new RevocationsLearned(learned));
        }

        return (learned, kept);
    }

    /// <summary>Tells the listeners about a cluster-wide invalidation.</summary>
    public ValueTask<int> ApplyAsync(CacheInvalidation invalidation) =>
        NotifyAsync(new InvalidationReceived(invalidation));

    /// <summary>
    /// This copy was behind and has been replaced with the list whole: copies of answers made before are suspect.
    /// </summary>
    public ValueTask<int> ResynchronisedAsync() => NotifyAsync(ReplicaResynchronised.Instance);

    /// <summary>
    /// The copy had the whole list as of <paramref name="startedAt"/> (a <see cref="TimeProvider.GetTimestamp"/> read
    /// before the synchronisation was asked for).
    /// </summary>
    public void MarkSynchronised(long startedAt)
    {
        var until = startedAt + Ticks(TrustWindow);
        long current;
        do
        {
            current = Interlocked.Read(ref _trustedUntil);
            if (current >= until)
            {
                break;
            }
        }
        while (Interlocked.CompareExchange(ref _trustedUntil, until, current) != current);

        _ready.TrySetResult();
        Interlocked
            .Exchange(
                ref _nextSynchronisation,
                new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))
            .TrySetResult();
    }

    private long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * _time.TimestampFrequency);

    /// <summary>The copy may have missed a change (a gap in the notifications, a lost connection).</summary>
    public void MarkBehind() => Interlocked.Exchange(ref _trustedUntil, 0);

    /// <summary>
    /// A validation gave up waiting for the first synchronisation and used what this copy has; logged once, as the
    /// subscription reports its own failures.
    /// </summary>
    public void ReportNotReady()
    {
        if (Interlocked.Exchange(ref _notReadyReported, 1) == 0)
        {
            LogNotReady(_logger);
        }
    }

    [LoggerMessage(
        EventId = 2407,
        Level = LogLevel.Warning,
        Message = "This process has not synchronised the revocation list yet; tokens are validated with the "
            + "revocations it has until it does.")]
    private static partial void LogNotReady(ILogger logger);
}
