using System.Collections.Concurrent;
using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Revocation;

/// <summary>
/// A set of revocations with the rules that apply them, safe for concurrent readers and writers:
/// <list type="bullet">
/// <item>a session revocation rejects every token of that issuer's <c>sid</c> (a revoked session gets no new
/// tokens);</item>
/// <item>a subject revocation rejects that issuer's subject's tokens issued at or before it (<c>iat</c> up to the
/// revocation time plus the clock skew; no <c>iat</c> counts as before), so a later sign-in works again;</item>
/// <item>a token-hash revocation rejects that one token;</item>
/// <item>each lasts from its revocation time for as long as a token it can match can live (its issuer's
/// <see cref="RevocationPolicy.RetentionOf"/>), then no longer counts and is pruned.</item>
/// </list>
/// Sessions and subjects are names an issuer gives: another issuer's <c>user_X</c> is someone else.
/// Lookups are dictionary reads: cheap enough for every cache hit.
/// </summary>
internal sealed class RevocationSet
{
    private readonly ConcurrentDictionary<(string Issuer, string Value), DateTimeOffset> _sessions = new();
    private readonly ConcurrentDictionary<(string Issuer, string Value), DateTimeOffset> _subjects = new();
    private readonly ConcurrentDictionary<(string Issuer, string Value), DateTimeOffset> _tokens = new();

    // Every record added, in the order it was added, per retention scope (a token hash, or an issuer's session or
    // subject): within a scope every record is kept equally long, so the due ones wait at the front and pruning them
    // costs what it removes, not the size of the set.
    private readonly Lock _orderLock = new();
    private readonly Dictionary<
        (bool IsToken, string Issuer),
        Queue<(RevocationKind Kind, string Value, DateTimeOffset RevokedAt)>
    > _order = [];

    public int Count => _sessions.Count + _subjects.Count + _tokens.Count;

    /// <summary>
    /// Adds the record, or moves an existing one's time forward. False when the set already covered it.
    /// </summary>
    public bool Add(RevocationRecord record)
    {
        var entries = EntriesOf(record.Kind);
        var key = KeyOf(record.Kind, record.Issuer, record.Value);
        while (true)
        {
            if (!entries.TryGetValue(key, out var existing))
            {
                if (entries.TryAdd(key, record.RevokedAt))
                {
                    Remember(record.Kind, key, record.RevokedAt);
                    return true;
                }

                continue;
            }

            if (existing >= record.RevokedAt)
            {
                return false;
            }

            if (entries.TryUpdate(key, record.RevokedAt, existing))
            {
                Remember(record.Kind, key, record.RevokedAt);
                return true;
            }
        }
    }

    /// <summary>
    /// Removes the revocations past their retention that were added in time order (all but records given back out of
    /// order, which <see cref="Prune(DateTimeOffset, RevocationPolicy)"/> finds): what a frequent caller can afford,
    /// since it touches only what goes.
    /// </summary>
    public int PruneDue(DateTimeOffset now, RevocationPolicy policy)
    {
        var removed = 0;
        lock (_orderLock)
        {
            foreach (var ((isToken, issuer), queue) in _order)
            {
                var retention = isToken ? policy.LongestRetention : policy.RetentionOf(issuer);
                while (queue.TryPeek(out var head) && now >= head.RevokedAt + retention)
                {
                    queue.Dequeue();
                    var entry = new KeyValuePair<(string Issuer, string Value), DateTimeOffset>(
                        (issuer, head.Value),
                        head.RevokedAt);
                    if (EntriesOf(head.Kind).TryRemove(entry))
                    {
                        removed++;
                    }
                }
            }
        }

        return removed;
    }

    /// <summary>The record as this set keeps it (the latest time for its session, subject or token), or null.</summary>
    public RevocationRecord? Find(RevocationKind kind, string? issuer, string value) =>
        EntriesOf(kind).TryGetValue(KeyOf(kind, issuer, value), out var revokedAt)
            ? new RevocationRecord(kind, value, revokedAt, ScopeOf(kind, issuer))
            : null;

    /// <summary>True when the set holds this record at the same or a later time.</summary>
    public bool Contains(RevocationRecord record) =>
        EntriesOf(record.Kind).TryGetValue(KeyOf(record.Kind, record.Issuer, record.Value), out var revokedAt)
        && revokedAt >= record.RevokedAt;

    public bool IsRevoked(RevocationCandidate candidate, DateTimeOffset now, RevocationPolicy policy)
    {
        if (_tokens.TryGetValue((string.Empty, candidate.TokenHash), out var tokenRevokedAt)
            && now < tokenRevokedAt + policy.LongestRetention)
        {
            return true;
        }

        var issuer = candidate.Issuer ?? string.Empty;
        var retention = policy.RetentionOf(candidate.Issuer);
        foreach (var session in candidate.SessionIds)
        {
            if (_sessions.TryGetValue((issuer, session), out var sessionRevokedAt)
                && now < sessionRevokedAt + retention)
            {
                return true;
            }
        }

        return candidate.Subject is { } subject
            && _subjects.TryGetValue((issuer, subject), out var subjectRevokedAt)
            && now < subjectRevokedAt + retention
            && IssuedNoLaterThan(candidate, subjectRevokedAt, policy);
    }

    /// <summary>Whether one revocation applies to a token (used to find the cached validations it drops).</summary>
    public static bool Covers(
        RevocationRecord record,
        RevocationCandidate candidate,
        DateTimeOffset now,
        RevocationPolicy policy)
    {
        if (!policy.IsActive(record, now))
        {
            return false;
        }

        return record.Kind switch
        {
            RevocationKind.TokenHash => string.Equals(record.Value, candidate.TokenHash, StringComparison.Ordinal),
            RevocationKind.Session => string.Equals(record.Issuer, candidate.Issuer, StringComparison.Ordinal)
                && candidate.SessionIds.Contains(record.Value, StringComparer.Ordinal),
            RevocationKind.Subject => string.Equals(record.Issuer, candidate.Issuer, StringComparison.Ordinal)
                && string.Equals(record.Value, candidate.Subject, StringComparison.Ordinal)
                && IssuedNoLaterThan(candidate, record.RevokedAt, policy),
            _ => false,
        };
    }

    /// <summary>Removes revocations past their retention; returns how many went.</summary>
    public int Prune(DateTimeOffset now, RevocationPolicy policy) =>
        Prune(RevocationKind.Session, _sessions, now, policy)
        + Prune(RevocationKind.Subject, _subjects, now, policy)
        + Prune(RevocationKind.TokenHash, _tokens, now, policy);

    /// <summary>The revocations still active at <paramref name="now"/>.</summary>
    public List<RevocationRecord> ActiveRecords(DateTimeOffset now, RevocationPolicy policy)
    {
        var records = new List<RevocationRecord>(Count);
        Collect(records, RevocationKind.Session, _sessions, now, policy);
        Collect(records, RevocationKind.Subject, _subjects, now, policy);
        Collect(records, RevocationKind.TokenHash, _tokens, now, policy);
        return records;
    }

    private void Remember(RevocationKind kind, (string Issuer, string Value) key, DateTimeOffset revokedAt)
    {
        lock (_orderLock)
        {
            var scope = (kind == RevocationKind.TokenHash, key.Issuer);
            if (!_order.TryGetValue(scope, out var queue))
            {
                _order[scope] = queue = new Queue<(RevocationKind Kind, string Value, DateTimeOffset RevokedAt)>();
            }

            queue.Enqueue((kind, key.Value, revokedAt));
        }
    }

    private static bool IsActive(
        RevocationKind kind,
        string issuer,
        DateTimeOffset revokedAt,
        DateTimeOffset now,
        RevocationPolicy policy) => now < revokedAt + policy.RetentionOf(ScopeOf(kind, issuer));

    private static bool IssuedNoLaterThan(
        RevocationCandidate candidate,
        DateTimeOffset revokedAt,
        RevocationPolicy policy) => candidate.IssuedAt is not { } issuedAt || issuedAt <= revokedAt + policy.ClockSkew;

    // A token hash names one token whatever its issuer.
    private static (string Issuer, string Value) KeyOf(RevocationKind kind, string? issuer, string value) =>
        (ScopeOf(kind, issuer) ?? string.Empty, value);

    private static string? ScopeOf(RevocationKind kind, string? issuer) =>
        kind == RevocationKind.TokenHash ? null : issuer;

    private ConcurrentDictionary<(string Issuer, string Value), DateTimeOffset> EntriesOf(RevocationKind kind) =>
        kind switch
        {
            RevocationKind.Session => _sessions,
            RevocationKind.Subject => _subjects,
            RevocationKind.TokenHash => _tokens,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown revocation kind."),
        };

    private static int Prune(
        RevocationKind kind,
        ConcurrentDictionary<(string Issuer, string Value), DateTimeOffset> entries,
        DateTimeOffset now,
        RevocationPolicy policy)
    {
        var removed = 0;
        foreach (var (key, revokedAt) in entries)
        {
            if (!IsActive(kind, key.Issuer, revokedAt, now, policy)
                && entries.TryRemove(new KeyValuePair<(string Issuer, string Value), DateTimeOffset>(key, revokedAt)))
            {
                removed++;
            }
        }

        return removed;
    }

    private static void Collect(
        List<RevocationRecord> records,
        RevocationKind kind,
        ConcurrentDictionary<(string Issuer, string Value), DateTimeOffset> entries,
        DateTimeOffset now,
        RevocationPolicy policy)
    {
        foreach (var ((issuer, value), revokedAt) in entries)
        {
            if (IsActive(kind, issuer, revokedAt, now, policy))
            {
                records.Add(new RevocationRecord(kind, value, revokedAt, ScopeOf(kind, issuer)));
            }
        }
    }
}
