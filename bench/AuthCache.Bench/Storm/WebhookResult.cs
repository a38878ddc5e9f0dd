namespace AuthCache.Bench.Storm;

/// <summary>
/// What a burst of <c>session.ended</c> webhooks got: answers by status, how long the burst took, and the webhook
/// answer times (from when each was sent, or when it was due if its sender was behind a paced schedule).
/// </summary>
/// <param name="Revoked">200 answers whose body says <c>"status":"revoked"</c>.</param>
/// <param name="RevokedSessions">The batch's sessions whose webhook was answered as revoked.</param>
/// <param name="TimedOut">The time limit stopped the burst before every webhook was sent.</param>
public sealed record WebhookResult(
    int Planned,
    long Sent,
    long Revoked,
    IReadOnlyDictionary<int, long> ByStatus,
    long Errors,
    string? FirstError,
    TimeSpan Elapsed,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    bool TimedOut,
    double? OfferedRate,
    IReadOnlySet<int> RevokedSessions)
{
    public double RevocationsPerSecond => Elapsed > TimeSpan.Zero ? Revoked / Elapsed.TotalSeconds : 0;
}
