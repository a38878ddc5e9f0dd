using System.Globalization;
using System.Text;
using AuthCache.Bench.Flood;
using AuthCache.Bench.Runs;
using AuthCache.Bench.SiloLoss;
using AuthCache.Bench.Storm;
using AuthCache.Bench.Systems;

namespace AuthCache.Bench.Report;

/// <summary>Renders a run as bench/RESULTS.md: circumstances, tables with ratios, a silo killed under load, goal verdicts, the hit-path breakdown.</summary>
public static class ResultsMarkdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(BenchReport report, IReadOnlyList<GoalVerdict> verdicts, IReadOnlyList<GoalVerdict> clusterVerdicts, IReadOnlyList<string> problems, string? engineersNotes)
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
        md.AppendLine($"- Stalls of the machine itself, before any system started (on a quiet machine; on a busy one, its other work too): {Describe(report.Stalls)}. A fixed-rate p99 is the slowest 1% of a second's requests, so runs whose stalls differ do not compare");
        md.AppendLine($"- Workload: {s.Users:N0} users, tokens living {s.TokenLifetime.TotalSeconds:0} s renewed {s.RenewBefore.TotalSeconds:0} s before expiry ({report.TokensMinted:N0} tokens signed), Zipf({s.ZipfExponent.ToString(Invariant)}) popularity, {s.Connections} connections, {s.Warmup.TotalSeconds:0} s warm-up then {s.Duration.TotalSeconds:0} s measured per system");
        md.AppendLine($"- Fake issuer: JWKS and discovery answered after {s.JwksLatency.TotalMilliseconds:0} ms, users after {s.UserLatency.TotalMilliseconds:0} ms; it runs in the runner process with the load generator, so its CPU is not counted as a system's");
        md.AppendLine("- Every system runs alone, in Release, as its own process(es) started with `dotnet <dll>` in Production; CPU is utime+stime from /proc/<pid>/stat over the measured window; peak working set is VmHWM, summed over a system's processes");
        md.AppendLine($"- {NearCacheSettings(report)}").AppendLine();

        md.AppendLine("## Renewing workload: Clerk-like tokens, Zipf popularity").AppendLine();
        md.AppendLine("Ratios: req/s and upstream calls against `baseline`; req/s and CPU against `jwtbearer` (`2 × jwtbearer` for the systems with 2 API hosts, `authcache-cluster` and `authcache-cohosted`). p50 \"1/N\" = N times lower than baseline's.").AppendLine();
        if (s.Rounds > 1)
        {
            md.AppendLine($"`2 × jwtbearer` and `authcache-cluster` are measured in {s.Rounds} rounds, in turn (each round starts them afresh); the others once. Their requests/s in one window moves by 10% or more here, so the renewing goal below reads the median of the rounds' ratios; a ratio in this table is against its comparator's figure of the same round.").AppendLine();
        }

        md.AppendLine("| system | round | procs | req/s | ×baseline | ×jwtbearer | p50 ms | p50 vs baseline | p95 ms | p99 ms | non-2xx | JWKS calls window / run | discovery run | user calls window / run | upstream per 1k req | vs baseline | CPU s per 1k req | ×jwtbearer | peak WS MB |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var baseline = report.Find(report.Renewing, SystemNames.Baseline);
        foreach (var o in report.Renewing.OrderBy(o => o.Round))
        {
            if (!o.Measured)
            {
                md.AppendLine(UnmeasuredRow(o, 19));
                continue;
            }

            var comparator = Rounds.InRound(report.Renewing, Comparator(o), o.Round) ?? report.Find(report.Renewing, Comparator(o));
            var l = o.Load!;
            md.AppendLine(string.Join(" | ",
                "| " + o.System,
                o.Round.ToString(Invariant),
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
        md.AppendLine("Answer bodies checked (the first answers of each connection, then one in a thousand; warm-up included), and those an API host validated itself because the grain's answer was late (`Hedged`, after `AuthCache:FallbackAfter`) or the cluster unreachable (`Fallback`): such an answer names the caller but carries no profile.").AppendLine();
        foreach (var o in report.Renewing.Where(o => o.Measured && o.Load!.CheckedAnswers > 0))
        {
            md.AppendLine($"- {o.System}: {o.Load!.CheckedAnswers:N0} checked, {o.Load.ValidatedByHostWithoutProfile:N0} validated by the API host without the profile");
        }

        md.AppendLine();
        md.AppendLine($"## All hits: {s.HitUsers} long-lived tokens, warmed before the window").AppendLine();
        md.AppendLine("The workload the CPU goal is stated for: no validation and no upstream call is needed after the warm-up. " +
            "`×jwtbearer` of req/s is against one `jwtbearer` process, and against `2 × jwtbearer` for the systems with 2 API hosts; " +
            "**per API host** is a system's req/s divided by its API hosts (the processes the load is split over, silos not counted), set against one `jwtbearer` process. " +
            "CPU per request counts all of a system's processes (silos and Redis included) and is set against one `jwtbearer`. " +
            "Near cache: the `AuthCache:NearCache:Enabled` the system ran with, and the share of the run's requests (warm-up included) its API hosts answered from it (`authcache_near_cache_hits_total`).").AppendLine();
        md.AppendLine("| system | procs | API hosts | req/s | ×jwtbearer | req/s per API host | per API host ×jwtbearer | p50 ms | p95 ms | p99 ms | non-2xx | upstream calls in window | near cache | CPU µs per request | ×jwtbearer | runner CPU µs per request | peak WS MB |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var hitJwt = report.Find(report.AllHits, SystemNames.JwtBearer);
        foreach (var o in report.AllHits)
        {
            if (!o.Measured)
            {
                md.AppendLine(UnmeasuredRow(o, 17));
                continue;
            }

            var l = o.Load!;
            var perHost = l.RequestsPerSecond / Math.Max(1, o.ApiHosts);
            md.AppendLine(string.Join(" | ",
                "| " + o.System,
                o.Processes.ToString(Invariant),
                o.ApiHosts.ToString(Invariant),
                l.RequestsPerSecond.ToString("N0", Invariant),
                Ratio(l.RequestsPerSecond, report.Find(report.AllHits, Comparator(o))?.Load!.RequestsPerSecond),
                perHost.ToString("N0", Invariant),
                Ratio(perHost, hitJwt?.Load!.RequestsPerSecond),
                Ms(l.P50Ms),
                Ms(l.P95Ms),
                Ms(l.P99Ms),
                l.Non2xx.ToString(Invariant),
                o.WindowUpstream.Total.ToString(Invariant),
                NearCache(o),
                (o.CpuSecondsPer1kRequests * 1000).ToString("0.0", Invariant),
                Ratio(o.CpuSecondsPer1kRequests, hitJwt?.CpuSecondsPer1kRequests),
                (o.RunnerCpu.TotalSeconds / l.Requests * 1e6).ToString("0.0", Invariant),
                (o.PeakWorkingSetBytes / (1024.0 * 1024)).ToString("N0", Invariant)) + " |");
        }

        md.AppendLine();
        md.AppendLine($"## All hits at a fixed rate: {s.FixedRate:N0} requests/s offered").AppendLine();
        md.AppendLine($"The same warm tokens, but the {s.Connections} connections together send {s.FixedRate:N0} requests per second on a fixed schedule instead of as fast as they are answered, so the machine is not saturated and a latency is the request's own (a request sent late because the answer before it on its connection was late counts from when it was due).").AppendLine();
        if (s.Rounds > 1)
        {
            md.AppendLine($"`jwtbearer`, `2 × jwtbearer`, `authcache-cluster` and `authcache-client` are measured in {s.Rounds} rounds, in turn (each round starts them afresh); the others once. A p99 of one window moves by about a millisecond from run to run here, so the goal below reads the median over the rounds.").AppendLine();
        }

        md.AppendLine("| system | round | procs | offered req/s | answered req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx | near cache | CPU µs per request | peak WS MB |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var o in report.AllHitsAtFixedRate.OrderBy(o => o.Round))
        {
            if (!o.Measured)
            {
                md.AppendLine(UnmeasuredRow(o, 13));
                continue;
            }

            var l = o.Load!;
            md.AppendLine(string.Join(" | ",
                "| " + o.System,
                o.Round.ToString(Invariant),
                o.Processes.ToString(Invariant),
                s.FixedRate.ToString("N0", Invariant),
                l.RequestsPerSecond.ToString("N0", Invariant),
                Ms(l.P50Ms),
                Ms(l.P95Ms),
                Ms(l.P99Ms),
                Ms(l.MaxMs),
                l.Non2xx.ToString(Invariant),
                NearCache(o),
                (o.CpuSecondsPer1kRequests * 1000).ToString("0.0", Invariant),
                (o.PeakWorkingSetBytes / (1024.0 * 1024)).ToString("N0", Invariant)) + " |");
        }

        md.AppendLine();
        var excesses = new[] { SystemNames.Cluster, SystemNames.WithTls(SystemNames.Cluster), SystemNames.Client, SystemNames.WithTls(SystemNames.Client), SystemNames.TwoJwtBearer, SystemNames.TwoJwtBearerBesideIdleSilos }
            .Select(system => (System: system, Excess: Rounds.ExcessOverJwtBearer(report.AllHitsAtFixedRate, system)))
            .Where(e => e.Excess.Count > 0)
            .Select(e => $"`{e.System}` {Rounds.Signed(Rounds.Median(e.Excess))} (p99 {Rounds.P99s(report.AllHitsAtFixedRate, e.System)})")
            .ToList();
        if (excesses.Count > 0)
        {
            md.AppendLine($"p99 against `jwtbearer`'s of the same round (p99 {Rounds.P99s(report.AllHitsAtFixedRate, SystemNames.JwtBearer)}), median over the rounds: {string.Join("; ", excesses)}. " +
                "`2 × jwtbearer` is what a second API host process on the same 2 cores costs without any cache, and " +
                $"`{SystemNames.TwoJwtBearerBesideIdleSilos}` what sharing those cores with the cluster's silos and Redis costs it, though they serve no request.");
            md.AppendLine();
        }

        md.Append(TlsMarkdown.Render(report));
        md.Append(SiloLossMarkdown.Render(report.SiloLoss, s));

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
            md.AppendLine(s.TokenMemory ? $"Not measured: {report.MemoryFailure}" : "Skipped (`--flood-only` or `--silo-loss-only`).").AppendLine();
        }

        md.Append(FloodMarkdown.Render(report.Flood, s));
        md.Append(StormMarkdown.Render(report.Storm, s));

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
        AppendVerdicts(md, verdicts, s.Quick);

        md.AppendLine("## Goals of issue 10: the client-mode cluster against JwtBearer").AppendLine();
        md.AppendLine("From this run's tables above. `authcache-cluster` is 2 silo processes, 2 API hosts in `Orleans:Mode=Client` and Redis; `authcache-client` is 1 silo process, 1 API host in `Orleans:Mode=Client` and Redis. " +
            "The throughput goal (\"requests/s per API host\") is read two ways: the requests/s of `authcache-client`'s one API host, which has the machine to itself as `jwtbearer` has; and `authcache-cluster`'s total against one `jwtbearer` process, the quantity the issue's starting figure of 0.48× measured. " +
            "The cluster's total divided over its 2 API hosts, which share the 2 cores with each other and with 2 silos, is given beside it and is not a verdict: it asks each of 2 hosts to serve what one `jwtbearer` serves with both cores. " +
            "CPU per request counts all of a system's processes. The silo-loss goals are read from the section \"A silo killed under load\".").AppendLine();
        AppendVerdicts(md, clusterVerdicts, s.Quick);

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

    private static void AppendVerdicts(StringBuilder md, IReadOnlyList<GoalVerdict> verdicts, bool quick)
    {
        if (quick)
        {
            md.AppendLine("Computed from the quick run's figures, so they are no verdict on the system.").AppendLine();
        }

        md.AppendLine("| goal | measured | verdict |");
        md.AppendLine("|---|---|---|");
        foreach (var v in verdicts)
        {
            md.AppendLine($"| {v.Goal} | {v.Measured} | {v.Verdict} |");
        }

        md.AppendLine();
    }

    /// <summary>What <see cref="CpuStalls"/> found, in one line.</summary>
    public static string Describe(CpuStalls stalls) =>
        $"{stalls.Threads} threads spinning {stalls.Measured.TotalSeconds:0} s, one per core, lost {(stalls.LostShare * 100).ToString("0.0", Invariant)}% of their time; " +
        $"per core and second {stalls.Over1MsPerCoreSecond.ToString("0.0", Invariant)} gaps over 1 ms, {stalls.Over2MsPerCoreSecond.ToString("0.0", Invariant)} over 2 ms, " +
        $"{stalls.Over5MsPerCoreSecond.ToString("0.00", Invariant)} over 5 ms; the longest {stalls.LongestMs.ToString("0.0", Invariant)} ms";

    /// <summary>What a system is compared with: as many jwtbearer processes as it has API hosts (one or two).</summary>
    private static string Comparator(SystemOutcome o) => o.ApiHosts > 1 && o.NearCache is not null ? SystemNames.TwoJwtBearer : SystemNames.JwtBearer;

    /// <summary>The near cache a system ran with and the share of its requests the near cache answered.</summary>
    private static string NearCache(SystemOutcome o) => o.NearCache switch
    {
        null => "—",
        false => "off",
        true => "on, " + (double.IsNaN(o.NearCacheShare) ? "hits unread" : o.NearCacheShare.ToString("0.#%", Invariant) + " of requests"),
    };

    private static string NearCacheSettings(BenchReport report)
    {
        var systems = report.Renewing.Concat(report.AllHits).Concat(report.AllHitsAtFixedRate)
            .Where(o => o.NearCache is not null)
            .Select(o => (o.System, Enabled: o.NearCache!.Value))
            .Concat(report.SiloLoss?.NearCache is { } siloLossNearCache ? [($"{report.SiloLoss.System} ({SiloLossPhase.Name})", siloLossNearCache)] : [])
            .Concat(report.Flood is { } flood ? [($"{flood.System} ({FloodPhase.Name})", report.Settings.NearCache)] : [])
            .Concat((report.Storm ?? []).Select(o => (System: $"{o.System} ({StormPhase.Name})", Enabled: report.Settings.NearCache)))
            .Distinct()
            .Select(p => $"`{p.System}` {(p.Enabled ? "on" : "off")}")
            .ToArray();
        return systems.Length == 0
            ? "No AuthCache system in this run"
            : $"Near cache (`AuthCache:NearCache:Enabled`, given to every process of a system): {string.Join(", ", systems)}; the all-hits tables say how many requests it answered";
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
