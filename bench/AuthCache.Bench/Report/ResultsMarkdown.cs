using System.Globalization;
using System.Text;
using AuthCache.Bench.Flood;
using AuthCache.Bench.Runs;

namespace AuthCache.Bench.Report;

/// <summary>Renders a run as bench/RESULTS.md: circumstances, tables with ratios, goal verdicts, the hit-path breakdown.</summary>
public static class ResultsMarkdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(BenchReport report, IReadOnlyList<GoalVerdict> verdicts, IReadOnlyList<string> problems, string? engineersNotes)
    {
        var s = report.Settings;
        var md = new StringBuilder();
        md.AppendLine("# AuthCache benchmark results").AppendLine();
        if (s.Quick)
        {
            md.AppendLine("> **Quick run (`--quick`): a few seconds per system to prove the harness works. These figures are not the result.**").AppendLine();
        }

        md.AppendLine("Written by the harness in `bench/` (see `bench/README.md`); do not edit by hand, run the command again.").AppendLine();
        md.AppendLine("## Run").AppendLine();
        md.AppendLine($"- Command: `{report.Command}`");
        md.AppendLine($"- Date: {report.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant)}; took {report.Elapsed.TotalMinutes:0.0} min");
        md.AppendLine($"- Machine: {report.Machine.Cores} cores, {report.Machine.CpuModel}, {report.Machine.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB, Linux {report.Machine.Kernel}, .NET SDK {report.Machine.DotnetVersion}");
        md.AppendLine($"- Load average (1/5/15 min) at start: {report.LoadAverageAtStart}; at end: {report.LoadAverageAtEnd}");
        md.AppendLine($"- Workload: {s.Users:N0} users, tokens living {s.TokenLifetime.TotalSeconds:0} s renewed {s.RenewBefore.TotalSeconds:0} s before expiry ({report.TokensMinted:N0} tokens signed), Zipf({s.ZipfExponent.ToString(Invariant)}) popularity, {s.Connections} connections, {s.Warmup.TotalSeconds:0} s warm-up then {s.Duration.TotalSeconds:0} s measured per system");
        md.AppendLine($"- Fake issuer: JWKS and discovery answered after {s.JwksLatency.TotalMilliseconds:0} ms, users after {s.UserLatency.TotalMilliseconds:0} ms; it runs in the runner process with the load generator, so its CPU is not counted as a system's");
        md.AppendLine("- Every system runs alone, in Release, as its own process(es) started with `dotnet <dll>` in Production; CPU is utime+stime from /proc/<pid>/stat over the measured window; peak working set is VmHWM, summed over a system's processes").AppendLine();

        md.AppendLine("## Renewing workload: Clerk-like tokens, Zipf popularity").AppendLine();
        md.AppendLine("Ratios: req/s and upstream calls against `baseline`; req/s and CPU against `jwtbearer` (`2 × jwtbearer` for the cluster). p50 \"1/N\" = N times lower than baseline's.").AppendLine();
        md.AppendLine("| system | procs | req/s | ×baseline | ×jwtbearer | p50 ms | p50 vs baseline | p95 ms | p99 ms | non-2xx | JWKS calls window / run | discovery run | user calls window / run | upstream per 1k req | vs baseline | CPU s per 1k req | ×jwtbearer | peak WS MB |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var baseline = report.Find(report.Renewing, "baseline");
        foreach (var o in report.Renewing)
        {
            if (!o.Measured)
            {
                md.AppendLine(UnmeasuredRow(o, 18));
                continue;
            }

            var comparator = report.Find(report.Renewing, o.System == "authcache-cluster" ? "2 × jwtbearer" : "jwtbearer");
            var l = o.Load!;
            md.AppendLine(string.Join(" | ",
                "| " + o.System,
                o.Processes.ToString(Invariant),
                l.RequestsPerSecond.ToString("N0", Invariant),
                Ratio(l.RequestsPerSecond, baseline?.Load!.RequestsPerSecond),
                Ratio(l.RequestsPerSecond, comparator?.Load!.RequestsPerSecond),
                Ms(l.P50Ms),
                baseline is null ? "—" : "1/" + GoalVerdicts.Format(baseline.Load!.P50Ms / l.P50Ms),
                Ms(l.P95Ms),
                Ms(l.P99Ms),
                l.Non2xx.ToString(Invariant),
                $"{o.WindowUpstream.Jwks:N0} / {o.RunUpstream.Jwks:N0}",
                o.RunUpstream.Discovery.ToString("N0", Invariant),
                $"{o.WindowUpstream.Users:N0} / {o.RunUpstream.Users:N0}",
                GoalVerdicts.Format(o.UpstreamPer1kRequests),
                baseline is null ? "—" : Percent(o.UpstreamPer1kRequests, baseline.UpstreamPer1kRequests),
                o.CpuSecondsPer1kRequests.ToString("0.000", Invariant),
                Ratio(o.CpuSecondsPer1kRequests, comparator?.CpuSecondsPer1kRequests),
                (o.PeakWorkingSetBytes / (1024.0 * 1024)).ToString("N0", Invariant)) + " |");
        }

        md.AppendLine();
        md.AppendLine($"## All hits: {s.HitUsers} long-lived tokens, warmed before the window").AppendLine();
        md.AppendLine("The workload the CPU goal is stated for: no validation and no upstream call is needed after the warm-up.").AppendLine();
        md.AppendLine("| system | procs | req/s | ×jwtbearer | p50 ms | p95 ms | p99 ms | non-2xx | upstream calls in window | CPU µs per request | ×jwtbearer | runner CPU µs per request | peak WS MB |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var hitJwt = report.Find(report.AllHits, "jwtbearer");
        foreach (var o in report.AllHits)
        {
            if (!o.Measured)
            {
                md.AppendLine(UnmeasuredRow(o, 13));
                continue;
            }

            var l = o.Load!;
            md.AppendLine(string.Join(" | ",
                "| " + o.System,
                o.Processes.ToString(Invariant),
                l.RequestsPerSecond.ToString("N0", Invariant),
                Ratio(l.RequestsPerSecond, hitJwt?.Load!.RequestsPerSecond),
                Ms(l.P50Ms),
                Ms(l.P95Ms),
                Ms(l.P99Ms),
                l.Non2xx.ToString(Invariant),
                o.WindowUpstream.Total.ToString(Invariant),
                (o.CpuSecondsPer1kRequests * 1000).ToString("0.0", Invariant),
                Ratio(o.CpuSecondsPer1kRequests, hitJwt?.CpuSecondsPer1kRequests),
                (o.RunnerCpu.TotalSeconds / l.Requests * 1e6).ToString("0.0", Invariant),
                (o.PeakWorkingSetBytes / (1024.0 * 1024)).ToString("N0", Invariant)) + " |");
        }

        md.AppendLine();
        md.AppendLine($"## All hits at a fixed rate: {s.FixedRate:N0} requests/s offered").AppendLine();
        md.AppendLine($"The same warm tokens, but the {s.Connections} connections together send {s.FixedRate:N0} requests per second on a fixed schedule instead of as fast as they are answered, so the machine is not saturated and a latency is the request's own (a request sent late because the answer before it on its connection was late counts from when it was due).").AppendLine();
        md.AppendLine("| system | procs | offered req/s | answered req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx | CPU µs per request | peak WS MB |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var o in report.AllHitsAtFixedRate)
        {
            if (!o.Measured)
            {
                md.AppendLine(UnmeasuredRow(o, 11));
                continue;
            }

            var l = o.Load!;
            md.AppendLine(string.Join(" | ",
                "| " + o.System,
                o.Processes.ToString(Invariant),
                s.FixedRate.ToString("N0", Invariant),
                l.RequestsPerSecond.ToString("N0", Invariant),
                Ms(l.P50Ms),
                Ms(l.P95Ms),
                Ms(l.P99Ms),
                Ms(l.MaxMs),
                l.Non2xx.ToString(Invariant),
                (o.CpuSecondsPer1kRequests * 1000).ToString("0.0", Invariant),
                (o.PeakWorkingSetBytes / (1024.0 * 1024)).ToString("N0", Invariant)) + " |");
        }

        md.AppendLine();
        md.AppendLine("## Bytes per cached token").AppendLine();
        if (report.Memory is { } m)
        {
            md.AppendLine($"A silo hosted in a process of its own cached {m.Tokens:N0} distinct valid tokens of {m.Users:N0} users through `ITokenValidationGrain` " +
                "(users' profile grains and the JWKS grain warmed before). Managed heap after full blocking collections (`GC.GetTotalMemory(true)`):").AppendLine();
            md.AppendLine($"- before {m.HeapBeforeBytes / 1048576.0:N1} MiB, after {m.HeapAfterBytes / 1048576.0:N1} MiB: **{m.BytesPerToken:N0} bytes per cached token**, activation included");
            md.AppendLine($"- of which the cached result itself (record, claims; measured by holding such results outside a grain) ≈ {m.CachedResultBytes:N0} bytes, and the activation (grain, activation data, directory entry, expiry timer) ≈ {m.ActivationBytes:N0} bytes");
            md.AppendLine($"- {m.ActiveEntriesAfter:N0} entries cached after the run; {m.CachedSecondPass:N0} of {m.SecondPassSample:N0} tokens asked again came from the cache");
            md.AppendLine("- tokens signed ES256 there (the cached entry holds claims and profile, never the token, so its size does not depend on the algorithm)").AppendLine();
        }
        else
        {
            md.AppendLine(s.TokenMemory ? $"Not measured: {report.MemoryFailure}" : "Skipped (`--flood-only`).").AppendLine();
        }

        md.Append(FloodMarkdown.Render(report.Flood, s));

        md.AppendLine("## Microbenchmarks of the hit path (BenchmarkDotNet, in-process toolchain)").AppendLine();
        if (report.Micro is { } micro)
        {
            md.AppendLine("| benchmark | mean | ± std. error | allocated per op |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var r in micro)
            {
                md.AppendLine($"| {r.Benchmark} | {Duration(r.MeanNs)} | {Duration(r.StandardErrorNs)} | {(r.AllocatedBytes is { } a ? a.ToString("N0", Invariant) + " B" : "—")} |");
            }

            md.AppendLine();
        }
        else
        {
            md.AppendLine(s.Micro ? $"Not measured: {report.MicroFailure}" : "Skipped (`--no-micro`).").AppendLine();
        }

        md.AppendLine("## Goals of issue 7").AppendLine();
        if (s.Quick)
        {
            md.AppendLine("Computed from the quick run's figures, so they are no verdict on the system.").AppendLine();
        }

        md.AppendLine("| goal | measured | verdict |");
        md.AppendLine("|---|---:|---|");
        foreach (var v in verdicts)
        {
            md.AppendLine($"| {v.Goal} | {v.Measured} | {v.Verdict} |");
        }

        md.AppendLine();
        md.AppendLine("## Where the microseconds of a hit go").AppendLine();
        md.AppendLine(HitPathBreakdown.Describe(report)).AppendLine();

        if (problems.Count > 0)
        {
            md.AppendLine("## Harness failures").AppendLine();
            foreach (var problem in problems)
            {
                md.AppendLine($"- {problem}");
            }

            md.AppendLine();
        }

        if (engineersNotes is not null)
        {
            md.AppendLine(engineersNotes.Trim()).AppendLine();
        }

        return md.ToString();
    }

    /// <summary>A system that was not measured: its name, why, and the table's remaining cells left empty.</summary>
    private static string UnmeasuredRow(SystemOutcome o, int columns) =>
        $"| {o.System} | {(o.Unavailable is not null ? "not available: " + o.Unavailable : "FAILED: " + o.Failure)} " + new string('|', columns - 1);

    private static string Ratio(double value, double? reference) =>
        reference is { } r && r > 0 && !double.IsNaN(value) ? GoalVerdicts.Format(value / r) + "×" : "—";

    private static string Percent(double value, double reference) =>
        reference > 0 ? ((value / reference - 1) * 100).ToString("+0.##;−0.##", Invariant) + "%" : "—";

    private static string Ms(double ms) => ms.ToString(ms >= 100 ? "N0" : ms >= 10 ? "0.0" : "0.000", Invariant);

    private static string Duration(double ns) => ns >= 1_000 ? (ns / 1_000).ToString("0.00", Invariant) + " µs" : ns.ToString("0.0", Invariant) + " ns";
}
