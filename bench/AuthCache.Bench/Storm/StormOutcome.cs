using AuthCache.Bench.Load;

namespace AuthCache.Bench.Storm;

/// <summary>
/// The revocation storm against one system: the hit load alone, the paced webhooks and the full-speed storm with
/// the same hit load beside each, what Redis received and the hosts' heaps grew during the storm, the revoked
/// sessions' tokens asked for afterwards, and (client mode) the host that was away.
/// </summary>
public sealed record StormOutcome(string System)
{
    /// <summary>Set when starting or measuring went wrong: a harness failure.</summary>
    public string? Failure { get; init; }

    public LoadResult? Quiet { get; init; }

    /// <summary>Redis traffic during the quiet run (warm-up and window): what the system sends with no revocation at all.</summary>
    public RedisTraffic? QuietRedis { get; init; }

    public TimeSpan QuietRedisElapsed { get; init; }

    public WebhookResult? Paced { get; init; }

    public LoadResult? DuringPaced { get; init; }

    public WebhookResult? Storm { get; init; }

    public LoadResult? DuringStorm { get; init; }

    /// <summary>Redis traffic from just before the storm's first webhook to just after its last answer.</summary>
    public RedisTraffic? StormRedis { get; init; }

    public TimeSpan StormRedisElapsed { get; init; }

    /// <summary>Managed heap after a full collection, before and after the storm, of each host that holds a replica.</summary>
    public IReadOnlyList<HeapGrowth> Heaps { get; init; } = [];

    /// <summary>Tokens of sessions the storm revoked, asked for on every API host afterwards: each must be refused as revoked.</summary>
    public IReadOnlyList<ProbeAnswer> Probes { get; init; } = [];

    public AwayHost? Away { get; init; }

    public bool Measured => Failure is null && Quiet is not null && Storm is not null && DuringStorm is not null && Paced is not null;

    public double HitP99Ratio => Quiet is { P99Ms: > 0 } quiet && DuringStorm is { } storm ? storm.P99Ms / quiet.P99Ms : double.NaN;

    /// <summary>Redis input bytes during the storm per revocation, raw and with the quiet window's rate taken off.</summary>
    public (double Raw, double AboveQuiet)? RedisBytesPerRevocation =>
        StormRedis is { } redis && Storm is { Revoked: > 0 } storm && QuietRedis is { } quiet && QuietRedisElapsed > TimeSpan.Zero
            ? (redis.InputBytes / (double)storm.Revoked,
               (redis.InputBytes - quiet.InputBytes / QuietRedisElapsed.TotalSeconds * StormRedisElapsed.TotalSeconds) / storm.Revoked)
            : null;
}

/// <param name="Role">What the host is and what its heap holds besides the replica.</param>
public sealed record HeapGrowth(string Host, string Role, long? BeforeBytes, long? AfterBytes, long Revocations)
{
    public double? BytesPerRevocation => BeforeBytes is { } before && AfterBytes is { } after && Revocations > 0 ? (after - before) / (double)Revocations : null;
}

/// <param name="Reason">The <c>error_description</c> of a 401, else null.</param>
public sealed record ProbeAnswer(string Host, string SessionId, int Status, string? Reason)
{
    public bool RefusedAsRevoked => Status == 401 && Reason == "revoked";
}

/// <summary>
/// A client-mode API host frozen (SIGSTOP) while revocations went through the other host, then resumed: how long
/// until it refused a token of the last session revoked while it was away, and what reached it meanwhile.
/// </summary>
/// <param name="ReceivedBytes">
/// Bytes its TCP connections other than its HTTP port received (tcp_info) from the moment it froze until in sync:
/// what the cluster sent it while away and to resynchronise it; null if unreadable.
/// </param>
/// <param name="InSyncAfter">From resume to the first refusal; null if it never came within the limit.</param>
public sealed record AwayHost(WebhookResult Revocations, string ProbedSession, TimeSpan? InSyncAfter, long? ReceivedBytes, int Polls, string? LastAnswer);
