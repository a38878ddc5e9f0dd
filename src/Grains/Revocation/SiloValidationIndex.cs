using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// The validations cached on this silo, indexed by session, subject and token hash (bounded by the cached
/// validations themselves), so a revocation the silo's <see cref="RevocationReplica"/> learns finds and drops them
/// without scanning. Retired signing keys (rare) are found by a scan, and so are, when this silo's options change, the
/// validations its new issuer rules refuse (an issuer removed, an audience or authorized party no longer accepted).
/// Each dropped validation is withdrawn at once (its next hit is refused) and its activation deactivated; the replica
/// confirms the change to the cluster once they are gone.
/// </summary>
internal sealed partial class SiloValidationIndex : IRevocationReplicaListener, IDisposable
{
    private static readonly TimeSpan DropTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly TrackedValidationIndex _bySession = new();
    private readonly TrackedValidationIndex _bySubject = new();
    private readonly TrackedValidationIndex _byToken = new();
    private readonly RevocationReplica _replica;
    private readonly IOptionsMonitor<AuthCacheOptions> _options;
    private readonly AuthCacheClock _clock;
    private readonly CurrentIssuerRules _rules;
    private readonly RevocationMetrics _metrics;
    private readonly ILogger<SiloValidationIndex> _logger;
    private readonly IDisposable _subscription;
    private readonly IDisposable? _optionsChange;
    private int _tracked;

    public SiloValidationIndex(
        RevocationReplica replica,
        IOptionsMonitor<AuthCacheOptions> options,
        AuthCacheClock clock,
        RevocationMetrics metrics,
        CurrentIssuerRules rules,
        ILogger<SiloValidationIndex> logger)
    {
        _replica = replica;
        _options = options;
        _clock = clock;
        _rules = rules;
        _metrics = metrics;
        _logger = logger;
        _subscription = replica.Subscribe(this);
        _optionsChange = options.OnChange(settings => _ = DropRefusedAsync(_rules.Refresh(settings)));
    }

    /// <summary>Cached validations on this silo that revocations can find.</summary>
    public int TrackedCount => Volatile.Read(ref _tracked);

    /// <summary>The revocation facts of a freshly validated token, ready to be checked and tracked.</summary>
    public TrackedValidation Watch(string tokenHash, TokenValidationOutcome result) =>
        new(this, _replica, RevocationCandidate.From(tokenHash, result), result.Claims);

    public ValueTask<int> OnReplicaChangedAsync(ReplicaChange change) =>
        change switch
        {
            RevocationsLearned learned => DropAsync(FindRevoked(learned.Records), "The cached token was revoked."),
            InvalidationReceived { Invalidation: KeysRetired retired } => DropAsync(
                FindAll(entry => retired.Retires(entry.Candidate.Issuer, entry.Candidate.KeyId)),
                "The key that verified the cached token was retired."),
            _ => ValueTask.FromResult(0),
        };

    public void Dispose()
    {
        _subscription.Dispose();
        _optionsChange?.Dispose();
    }

    private async ValueTask<int> DropAsync(HashSet<TrackedValidation> matches, string why)
    {
        var deactivations = new List<Task>(matches.Count);
        foreach (var entry in matches)
        {
            entry.Withdraw();
            if (entry.Holder is { } holder)
            {
                holder.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, why));
                deactivations.Add(holder.Deactivated);
            }
        }

        try
        {
            await Task.WhenAll(deactivations).WaitAsync(DropTimeout);
        }
        catch (TimeoutException)
        {
            // Withdrawn, so refused on every hit; the activation goes when its current call ends.
            LogDropSlow(_logger, deactivations.Count);
        }

        _metrics.Dropped(deactivations.Count);
        return deactivations.Count;
    }

    private async Task DropRefusedAsync(IssuerRules rules)
    {
        // Expiry is left to each validation's own timer.
        var now = _clock.UtcNow;
        var dropped = await DropAsync(
            FindAll(entry => rules.Refuses(entry.Candidate.Issuer, entry.Claims, expiresAt: null, now) is not null),
            "The silo's issuer rules no longer accept the cached token.");
        if (dropped > 0)
        {
            LogRefusedByRules(_logger, dropped);
        }
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

    private HashSet<TrackedValidation> FindAll(Func<TrackedValidation, bool> predicate)
    {
        lock (_lock)
        {
            // The token index holds every tracked validation exactly once.
            return _byToken.All().Where(predicate).ToHashSet();
        }
    }

    private HashSet<TrackedValidation> FindRevoked(IReadOnlyList<RevocationRecord> records)
    {
        var now = _clock.UtcNow;
        var policy = RevocationPolicy.From(_options.CurrentValue);
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

        return matches;
    }

    /// <summary>
    /// Every index a cached validation is found by, with its key there: token hash, sessions, subject.
    /// </summary>
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

    [LoggerMessage(
        EventId = 2408,
        Level = LogLevel.Information,
        Message = "Dropped {Count} cached validation(s) that this silo's issuer rules no longer accept.")]
    private static partial void LogRefusedByRules(ILogger logger, int count);

    [LoggerMessage(
        EventId = 2405,
        Level = LogLevel.Warning,
        Message = "{Count} revoked cached validation(s) are still finishing a call; they are refused meanwhile.")]
    private static partial void LogDropSlow(ILogger logger, int count);
}
