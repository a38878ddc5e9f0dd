using System.Globalization;
using AuthCache.Bench.Runs;
using AuthCache.Bench.SiloLoss;
using AuthCache.Bench.Systems;

namespace AuthCache.Bench.Report;

/// <summary>
/// The goals for the client-mode cluster (2 silos + 2 API hosts in <c>Orleans:Mode=Client</c>) against JwtBearer,
/// computed from the same run: throughput (of one client-mode API host, and of the cluster against one JwtBearer) and
/// CPU per request with every request a hit, the hit p99 at the fixed rate, the renewing workload against two
/// JwtBearer processes, and a silo killed under load.
/// </summary>
public static class ClusterGoalVerdicts
{
    private const string Cluster = SystemNames.Cluster;
    private const string Client = SystemNames.Client;
    private const string JwtBearer = SystemNames.JwtBearer;
    private const string TwoJwtBearer = SystemNames.TwoJwtBearer;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<GoalVerdict> Evaluate(BenchReport report)
    {
        var verdicts = new List<GoalVerdict>(HitGoals(report, Cluster, Client));

        // The same goals must hold with mutual TLS on the cluster's connections: judged again for the "+ tls" rows.
        if (report.AllHits.Concat(report.AllHitsAtFixedRate).Any(o => o.System.EndsWith(SystemNames.TlsSuffix, StringComparison.Ordinal)))
        {
            verdicts.AddRange(HitGoals(report, SystemNames.WithTls(Cluster), SystemNames.WithTls(Client)));
        }

        const string renewingGoal = "Renewing workload: authcache-cluster requests/s ≥ 0.9× `2 × jwtbearer`'s";
        var renewingRatios = Rounds.ThroughputRatios(report.Renewing, Cluster, TwoJwtBearer);
        if (renewingRatios.Count == 0)
        {
            verdicts.Add(GoalVerdicts.Unmeasured(renewingGoal, WhyNot(report.Renewing, Cluster, TwoJwtBearer)));
        }
        else
        {
            var ratio = Rounds.Median(renewingRatios);
            var measured = renewingRatios.Count == 1
                ? $"{Rounds.Throughputs(report.Renewing, Cluster)} against {Rounds.Throughputs(report.Renewing, TwoJwtBearer)}: {GoalVerdicts.Format(ratio)}×"
                : $"median over {renewingRatios.Count} rounds {GoalVerdicts.Format(ratio)}× (rounds {string.Join(", ", renewingRatios.Select(r => GoalVerdicts.Format(r) + "×"))}; {Rounds.Throughputs(report.Renewing, Cluster)} against {Rounds.Throughputs(report.Renewing, TwoJwtBearer)})";
            verdicts.Add(new GoalVerdict(renewingGoal, measured, GoalVerdicts.AtLeast(renewingGoal, ratio, 0.9, "×").Verdict));
        }

        verdicts.AddRange(SiloLoss(report.SiloLoss));
        return verdicts;
    }

    /// <summary>The all-hits and fixed-rate goals of the cluster and client rows named <paramref name="cluster"/> and <paramref name="client"/>.</summary>
    private static List<GoalVerdict> HitGoals(BenchReport report, string cluster, string client)
    {
        var verdicts = new List<GoalVerdict>();
        var hitCluster = report.Find(report.AllHits, cluster);
        var hitJwtBearer = report.Find(report.AllHits, JwtBearer);
        var hitTwoJwtBearer = report.Find(report.AllHits, TwoJwtBearer);

        var hitClient = report.Find(report.AllHits, client);
        var clientThroughputGoal = $"All hits: requests/s per API host ≥ 1.0× jwtbearer's, one client-mode API host with one silo ({client})";
        if (hitClient is null || hitJwtBearer is null)
        {
            verdicts.Add(GoalVerdicts.Unmeasured(clientThroughputGoal, WhyNot(report.AllHits, client, JwtBearer)));
        }
        else
        {
            var ratio = hitClient.Load!.RequestsPerSecond / hitJwtBearer.Load!.RequestsPerSecond;
            verdicts.Add(new GoalVerdict(
                clientThroughputGoal,
                $"{Count(hitClient.Load.RequestsPerSecond)} against {Count(hitJwtBearer.Load.RequestsPerSecond)}: {GoalVerdicts.Format(ratio)}×",
                GoalVerdicts.AtLeast(clientThroughputGoal, ratio, 1.0, "×").Verdict));
        }

        // The issue measured its starting point (0.48×) as the 5-process cluster's requests/s against one jwtbearer
        // process, so that is the quantity this goal reads; the total divided over the 2 API hosts, which share the
        // 2 cores with each other and with the silos, is given beside it.
        var throughputGoal = $"All hits: {cluster} requests/s ≥ 1.0× jwtbearer's, read as the issue's starting figure (0.48×) was: the cluster's total against one jwtbearer process";
        if (hitCluster is null || hitJwtBearer is null)
        {
            verdicts.Add(GoalVerdicts.Unmeasured(throughputGoal, WhyNot(report.AllHits, cluster, JwtBearer)));
        }
        else
        {
            var total = hitCluster.Load!.RequestsPerSecond;
            var jwt = hitJwtBearer.Load!.RequestsPerSecond;
            var ratio = total / jwt;
            var perHost = total / hitCluster.ApiHosts;
            var twoProcesses = hitTwoJwtBearer is null
                ? ""
                : $"; against `2 × jwtbearer` ({Count(hitTwoJwtBearer.Load!.RequestsPerSecond)}): {GoalVerdicts.Format(total / hitTwoJwtBearer.Load.RequestsPerSecond)}×";
            verdicts.Add(new GoalVerdict(
                throughputGoal,
                $"{Count(total)} against {Count(jwt)}: {GoalVerdicts.Format(ratio)}×{twoProcesses}; divided over its {hitCluster.ApiHosts} API hosts {Count(perHost)} each, {GoalVerdicts.Format(perHost / jwt)}× one jwtbearer",
                GoalVerdicts.AtLeast(throughputGoal, ratio, 1.0, "×").Verdict));
        }

        var cpuGoal = $"All hits: {cluster} CPU per request ≤ 1.0× jwtbearer's";
        if (hitCluster is null || hitJwtBearer is null)
        {
            verdicts.Add(GoalVerdicts.Unmeasured(cpuGoal, WhyNot(report.AllHits, cluster, JwtBearer)));
        }
        else
        {
            var ratio = hitCluster.CpuSecondsPer1kRequests / hitJwtBearer.CpuSecondsPer1kRequests;
            verdicts.Add(new GoalVerdict(
                cpuGoal,
                $"{Us(hitCluster.CpuSecondsPer1kRequests)} (all {hitCluster.Processes} processes) against {Us(hitJwtBearer.CpuSecondsPer1kRequests)}: {GoalVerdicts.Format(ratio)}×",
                GoalVerdicts.AtMost(cpuGoal, ratio, 1.0, "×").Verdict));
        }

        var fixedCluster = report.Find(report.AllHitsAtFixedRate, cluster);
        var fixedJwtBearer = report.Find(report.AllHitsAtFixedRate, JwtBearer);
        var latencyGoal = $"All hits at {report.Settings.FixedRate:N0} requests/s: {cluster} p99 ≤ jwtbearer's p99 + 1 ms";
        var excesses = Rounds.ExcessOverJwtBearer(report.AllHitsAtFixedRate, cluster);
        if (fixedCluster is null || fixedJwtBearer is null || excesses.Count == 0)
        {
            verdicts.Add(GoalVerdicts.Unmeasured(latencyGoal, WhyNot(report.AllHitsAtFixedRate, cluster, JwtBearer)));
        }
        else
        {
            var excess = Rounds.Median(excesses);
            var rounds = excesses.Count == 1
                ? $"{Ms(fixedCluster.Load!.P99Ms)} against {Ms(fixedJwtBearer.Load!.P99Ms)} ({Rounds.Signed(excess)})"
                : $"median over {excesses.Count} rounds {Rounds.Signed(excess)} (rounds {string.Join(", ", excesses.Select(Rounds.Signed))}; p99 {Rounds.P99s(report.AllHitsAtFixedRate, cluster)} against {Rounds.P99s(report.AllHitsAtFixedRate, JwtBearer)})";
            verdicts.Add(new GoalVerdict(
                latencyGoal,
                rounds,
                excess <= 1.0 ? "met" : $"missed by {Ms(excess - 1.0)}"));
        }
        return verdicts;
    }

    private static IEnumerable<GoalVerdict> SiloLoss(SiloLossOutcome? outcome)
    {
        const string failuresGoal = "A silo killed under load: 0 failed requests";
        const string slowGoal = "A silo killed under load: no request over 1 s";
        if (outcome is null || !outcome.Measured)
        {
            var reason = outcome is null ? $"not run (`--systems` without `{SiloLossPhase.Name}`)" : outcome.Unavailable ?? "FAILED: " + outcome.Failure;
            return [GoalVerdicts.Unmeasured(failuresGoal, reason), GoalVerdicts.Unmeasured(slowGoal, reason)];
        }

        var figures = SiloLossFigures.From(outcome);
        var statuses = string.Concat(figures.Non2xxByStatus.Select(p => $", HTTP {p.Key}: {p.Value:N0}"));
        return
        [
            new GoalVerdict(
                failuresGoal,
                $"{figures.Failed:N0} of {figures.Sent:N0} (transport errors {figures.TransportErrors:N0}{statuses})",
                figures.Failed == 0 ? "met" : $"missed: {figures.Failed:N0} failed"),
            new GoalVerdict(
                slowGoal,
                $"max {Ms(figures.MaxMs)}; {figures.OverOneSecond:N0} over 1 s counted from when due, {figures.OverOneSecondOnTheWire:N0} on the wire",
                figures.OverOneSecond == 0 ? "met" : $"missed: max {GoalVerdicts.Format(figures.MaxMs / 1000)}× over, {figures.OverOneSecond:N0} requests over 1 s"),
        ];
    }

    /// <summary>Why a comparison could not be made: the first of its systems that was unavailable, failed or not run.</summary>
    private static string WhyNot(IReadOnlyList<SystemOutcome> outcomes, params string[] systems)
    {
        foreach (var system in systems)
        {
            var outcome = outcomes.FirstOrDefault(o => o.System == system);
            if (outcome is null)
            {
                return $"{system} not in this run";
            }

            if (!outcome.Measured)
            {
                return outcome.Unavailable is not null ? $"{system} not available: {outcome.Unavailable}" : $"{system} FAILED: {outcome.Failure}";
            }
        }

        return "not computed";
    }

    private static string Count(double value) => value.ToString("N0", Invariant);

    private static string Us(double cpuSecondsPer1k) => (cpuSecondsPer1k * 1000).ToString("0.0", Invariant) + " µs";

    private static string Ms(double ms) => ms.ToString(ms >= 100 ? "N0" : "0.000", Invariant) + " ms";
}
