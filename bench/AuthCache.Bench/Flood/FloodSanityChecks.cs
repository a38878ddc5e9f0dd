using AuthCache.Bench.Load;
using AuthCache.GrainInterfaces;

namespace AuthCache.Bench.Flood;

/// <summary>
/// Whether the flood phase worked and the host held, never how fast: the valid load answered 2xx throughout, the
/// flood was big enough, no forged token was accepted, none got a 5xx, every rejection was for the signature,
/// every memory figure was read, and forged tokens left no cached entries behind.
/// </summary>
public static class FloodSanityChecks
{
    /// <summary>Issue 6 asks for 10,000 distinct forged tokens; a quick run only proves the phase works.</summary>
    private const long FullRunMinimum = 10_000;
    private const long QuickRunMinimum = 1_000;

    public static IReadOnlyList<string> Evaluate(FloodOutcome outcome, BenchSettings settings)
    {
        const string name = "flood";
        var problems = new List<string>();
        if (outcome.Failure is not null || !outcome.Measured)
        {
            problems.Add($"{name}: {outcome.Failure ?? "no result"}");
            return problems;
        }

        CheckValidLoad($"{name}: valid load without flood", outcome.Quiet!, outcome.QuietCpu, problems);
        CheckValidLoad($"{name}: valid load during flood", outcome.Flooded!, outcome.FloodedCpu, problems);

        var flood = outcome.Flood!;
        var minimum = settings.Quick ? QuickRunMinimum : FullRunMinimum;
        Require(problems, flood.Sent >= minimum, $"{name}: only {flood.Sent:N0} forged tokens sent (at least {minimum:N0} expected)");
        Require(problems, flood.Accepted == 0, $"{name}: SANITY FAILURE: {flood.Accepted} forged tokens were accepted");
        Require(problems, flood.ServerErrors == 0, $"{name}: {flood.ServerErrors} forged tokens answered 5xx; first: {flood.FirstError}");
        Require(problems, flood.OtherAnswers == 0, $"{name}: {flood.OtherAnswers} forged tokens answered neither 401 nor 429; first: {flood.FirstError}");
        Require(problems, flood.Errors == 0, $"{name}: {flood.Errors} flood requests failed; first: {flood.FirstError}");
        var otherReasons = flood.RejectionReasons.Where(r => r.Key != AuthFailureReason.BadSignature).ToArray();
        Require(problems, otherReasons.Length == 0, $"{name}: forged tokens rejected for another reason than {AuthFailureReason.BadSignature} ({string.Join(", ", otherReasons.Select(r => $"{r.Key}: {r.Value}"))}): the flood did not reach signature validation");

        foreach (var (when, snapshot) in new[] { ("before the flood", outcome.Before), ("after the flood", outcome.After) })
        {
            if (snapshot is null)
            {
                problems.Add($"{name}: no host snapshot {when}");
                continue;
            }

            Require(problems, snapshot.Unreadable.Count == 0, $"{name}: figures unreadable {when}: {string.Join("; ", snapshot.Unreadable)}");
            Require(problems, snapshot.WorkingSetBytes > 0, $"{name}: no resident set read {when}");
            Require(problems, snapshot.Activations is not null && snapshot.DirectoryCacheEntries is not null, $"{name}: no grain activations or directory cache size in /metrics {when}");
        }

        Require(problems, outcome.PeakWorkingSetDuringBytes > 0, $"{name}: no resident set sampled during the flood");
        Require(problems, outcome.PeakWorkingSetOfRunBytes > 0, $"{name}: no peak working set (VmHWM) read");
        if (outcome.Before?.CachedTokens is { } cachedBefore && outcome.After?.CachedTokens is { } cachedAfter)
        {
            Require(problems, cachedAfter - cachedBefore <= settings.Users, $"{name}: SANITY FAILURE: cached tokens grew from {cachedBefore:N0} to {cachedAfter:N0}, more than the {settings.Users:N0} valid users can account for");
        }

        return problems;
    }

    private static void CheckValidLoad(string name, LoadResult load, TimeSpan cpu, List<string> problems)
    {
        Require(problems, load.Requests > 0, $"{name}: no request completed in the measured window");
        Require(problems, load.Non2xx == 0, $"{name}: {load.Non2xx} non-2xx answers to valid tokens ({string.Join(", ", load.Non2xxByStatus.Select(p => $"{p.Key}: {p.Value}"))}); first: {load.FirstError}");
        Require(problems, load.Errors == 0, $"{name}: {load.Errors} requests failed; first: {load.FirstError}");
        Require(problems, load.BodyMismatches == 0, $"{name}: {load.BodyMismatches} answers without the caller's subject and profile; first: {load.FirstError}");
        Require(problems, load.P50Ms > 0 && load.P50Ms <= load.P95Ms && load.P95Ms <= load.P99Ms && load.P99Ms <= load.MaxMs, $"{name}: percentiles out of order (p50 {load.P50Ms}, p95 {load.P95Ms}, p99 {load.P99Ms}, max {load.MaxMs})");
        Require(problems, cpu > TimeSpan.Zero, $"{name}: no CPU time accounted to the host");
    }

    private static void Require(List<string> problems, bool condition, string problem)
    {
        if (!condition)
        {
            problems.Add(problem);
        }
    }
}
