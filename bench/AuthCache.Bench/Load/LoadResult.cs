namespace AuthCache.Bench.Load;

/// <summary>What the load generator saw: the measured window's requests and latencies, and whole-run totals.</summary>
/// <param name="RequestLog">With <see cref="LoadPlan.RecordEveryRequest"/>: every request due in the window, in no particular order.</param>
/// <param name="SentInWindow">Requests due in the window that were sent (counted when sent, so the log can be checked against it).</param>
/// <param name="WindowOpenedAt">The <see cref="System.Diagnostics.Stopwatch"/> timestamp the window opened at.</param>
/// <param name="CheckedAnswers">2xx answers whose body was checked (warm-up included).</param>
/// <param name="ValidatedByHostWithoutProfile">Checked answers the API host validated itself (hedged or fallback), so without the profile.</param>
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
    int DistinctUsersInRun,
    IReadOnlyList<RequestRecord>? RequestLog = null,
    long SentInWindow = 0,
    long WindowOpenedAt = 0,
    long CheckedAnswers = 0,
    long ValidatedByHostWithoutProfile = 0)
{
    public double RequestsPerSecond => Requests / Measured.TotalSeconds;
}
