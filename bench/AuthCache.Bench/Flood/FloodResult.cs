namespace AuthCache.Bench.Flood;

/// <summary>What the flood sender sent and how each forged token was answered.</summary>
public sealed record FloodResult(
    long Sent,
    TimeSpan Elapsed,
    IReadOnlyDictionary<int, long> ByStatus,
    IReadOnlyDictionary<string, long> RejectionReasons,
    long Errors,
    string? FirstError,
    double P50Ms,
    double P99Ms,
    string ClientAddress)
{
    public long Rejected => ByStatus.GetValueOrDefault(401);

    public long Limited => ByStatus.GetValueOrDefault(429);

    /// <summary>Forged tokens answered 2xx: the cache let an attacker in.</summary>
    public long Accepted => ByStatus.Where(p => p.Key is >= 200 and < 300).Sum(p => p.Value);

    public long ServerErrors => ByStatus.Where(p => p.Key >= 500).Sum(p => p.Value);

    public long OtherAnswers => ByStatus.Where(p => p.Key is not (401 or 429) and (< 200 or (>= 300 and < 500))).Sum(p => p.Value);

    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Sent / Elapsed.TotalSeconds : 0;
}
