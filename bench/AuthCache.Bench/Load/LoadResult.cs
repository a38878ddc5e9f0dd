namespace AuthCache.Bench.Load;

/// <summary>What the load generator saw: the measured window's requests and latencies, and whole-run totals.</summary>
public sealed record LoadResult(
    long Requests,
    TimeSpan Measured,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    long Non2xx,
    IReadOnlyDictionary<int, long> Non2xxByStatus,
    long Errors,
    string? FirstError,
    long BodyMismatches,
    long SentInRun,
    int DistinctUsersInRun)
{
    public double RequestsPerSecond => Requests / Measured.TotalSeconds;
}
