using AuthCache.Bench.Flood;
using AuthCache.Bench.Micro;
using AuthCache.Bench.Runs;
using AuthCache.Bench.SiloLoss;
using AuthCache.Bench.Storm;
using AuthCache.Bench.Systems;

namespace AuthCache.Bench.Report;

/// <summary>
/// Whether the harness worked, never how fast anything was: every system answered, no non-2xx, percentiles in
/// order, CPU accounted, upstream counts possible for what each system does, memory and microbenchmarks produced,
/// the silo killed while the cluster kept answering, the flood answered without a 5xx and without accepting a
/// forged token.
/// </summary>
public static class SanityChecks
{
    public static IReadOnlyList<string> Evaluate(BenchReport report)
    {
        var problems = new List<string>();
        foreach (var outcome in report.Renewing.Concat(report.AllHits).Concat(report.AllHitsAtFixedRate).Where(o => o.Unavailable is null))
        {
            CheckSystem(outcome, report.Settings, problems);
        }

        if (report.SiloLoss is { } siloLoss)
        {
            problems.AddRange(SiloLossSanityChecks.Evaluate(siloLoss));
        }

        if (report.Flood is { } flood)
        {
            problems.AddRange(FloodSanityChecks.Evaluate(flood, report.Settings));
        }

        if (report.Storm is { } storm)
        {
            problems.AddRange(StormSanityChecks.Evaluate(storm));
        }

        if (report.Memory is { } memory)
        {
            Require(problems, memory.ValidatedFirstPass == memory.Tokens, $"token-memory: {memory.ValidatedFirstPass} of {memory.Tokens} tokens validated");
            Require(problems, memory.ActiveEntriesAfter >= memory.Tokens, $"token-memory: only {memory.ActiveEntriesAfter} cached entries for {memory.Tokens} tokens");
            Require(problems, memory.CachedSecondPass == memory.SecondPassSample, $"token-memory: {memory.CachedSecondPass} of {memory.SecondPassSample} tokens came from the cache the second time");
            Require(problems, memory.BytesPerToken > 0, "token-memory: the heap did not grow");
        }
        else if (report.Settings.TokenMemory)
        {
            problems.Add($"token-memory: {report.MemoryFailure ?? "no result"}");
        }

        if (report.Settings.Micro)
        {
            var expected = MicroBenchmarkCommand.Benchmarks.Sum(t => t.GetMethods().Count(m => m.IsDefined(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false)));
            if (report.Micro is not { } micro)
            {
                problems.Add($"microbenchmarks: {report.MicroFailure ?? "no result"}");
            }
            else
            {
                Require(problems, micro.Count == expected, $"microbenchmarks: {micro.Count} results for {expected} benchmarks");
                Require(problems, micro.All(m => m.MeanNs > 0), "microbenchmarks: a mean time is not positive");
            }
        }

        return problems;
    }

    private static void CheckSystem(SystemOutcome outcome, BenchSettings settings, List<string> problems)
    {
        var name = $"{outcome.System} ({outcome.Workload})";
        if (outcome.Failure is not null || outcome.Load is not { } load)
        {
            problems.Add($"{name}: {outcome.Failure ?? "no load result"}");
            return;
        }

        Require(problems, load.Requests > 0, $"{name}: no request completed in the measured window");
        Require(problems, load.Non2xx == 0, $"{name}: {load.Non2xx} non-2xx answers ({string.Join(", ", load.Non2xxByStatus.Select(p => $"{p.Key}: {p.Value}"))}); first: {load.FirstError}");
        Require(problems, load.Errors == 0, $"{name}: {load.Errors} requests failed; first: {load.FirstError}");
        Require(problems, load.BodyMismatches == 0, $"{name}: {load.BodyMismatches} answers without the caller's subject and profile; first: {load.FirstError}");
        Require(problems, load.P50Ms > 0 && load.P50Ms <= load.P95Ms && load.P95Ms <= load.P99Ms && load.P99Ms <= load.MaxMs, $"{name}: percentiles out of order (p50 {load.P50Ms}, p95 {load.P95Ms}, p99 {load.P99Ms}, max {load.MaxMs})");
        Require(problems, outcome.WindowCpu > TimeSpan.Zero, $"{name}: no CPU time accounted to the system");
        Require(problems, outcome.PeakWorkingSetBytes > 0, $"{name}: no peak working set read");
        Require(problems, outcome.NearCache is null || outcome.NearCacheHits is not null, $"{name}: the API hosts' near-cache hits could not be read from /metrics");
        Require(problems, outcome.RunUpstream.RefusedUsers == 0, $"{name}: {outcome.RunUpstream.RefusedUsers} user calls with a wrong secret key");

        var window = outcome.WindowUpstream;
        var run = outcome.RunUpstream;
        if (outcome.Workload is Workload.AllHits or Workload.AllHitsAtFixedRate)
        {
            // Warm tokens need no upstream call; on a starved machine a cluster may move a grain (a silo briefly
            // suspected) and fetch again, which the table shows. Only a cache that does not hold counts as broken.
            Require(problems, window.Total <= Math.Max(1, settings.HitUsers / 10), $"{name}: {window.Total} upstream calls in the measured window although every token was warm (JWKS {window.Jwks}, discovery {window.Discovery}, users {window.Users})");
            return;
        }

        if (outcome.System == SystemNames.Baseline)
        {
            // One JWKS and one user call per request; requests cut by the window's edges allow a margin.
            var margin = 2 * settings.Connections + load.Requests / 100;
            Require(problems, Math.Abs(window.Jwks - load.Requests) <= margin, $"{name}: {window.Jwks} JWKS calls for {load.Requests} requests");
            Require(problems, Math.Abs(window.Users - load.Requests) <= margin, $"{name}: {window.Users} user calls for {load.Requests} requests");
            return;
        }

        Require(problems, run.Jwks >= 1 && run.Jwks <= 3 * outcome.Processes, $"{name}: {run.Jwks} JWKS calls for {outcome.Processes} process(es)");
        Require(problems, run.Users >= 1 && run.Users <= load.SentInRun, $"{name}: {run.Users} user calls for {load.SentInRun} requests sent");
    }

    private static void Require(List<string> problems, bool condition, string problem)
    {
        if (!condition)
        {
            problems.Add(problem);
        }
    }
}
