using System.Globalization;
using AuthCache.Bench.Runs;
using AuthCache.Bench.Systems;

namespace AuthCache.Bench.Report;

/// <summary>One goal, what was measured against it, and whether it is met (and if not, by how much).</summary>
public sealed record GoalVerdict(string Goal, string Measured, string Verdict);

public static class GoalVerdicts
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<GoalVerdict> Evaluate(BenchReport report)
    {
        var baseline = report.Find(report.Renewing, SystemNames.Baseline);
        var embedded = report.Find(report.Renewing, SystemNames.Embedded);
        var cluster = report.Find(report.Renewing, SystemNames.Cluster);
        var twoJwtBearer = report.Find(report.Renewing, SystemNames.TwoJwtBearer);
        var hitEmbedded = report.Find(report.AllHits, SystemNames.Embedded);
        var hitJwtBearer = report.Find(report.AllHits, SystemNames.JwtBearer);
        var hitCluster = report.Find(report.AllHits, SystemNames.Cluster);
        var fixedRateCluster = report.Find(report.AllHitsAtFixedRate, SystemNames.Cluster);
        var clusterSkipped = report.Renewing.FirstOrDefault(o => o.System == SystemNames.Cluster)?.Unavailable;

        var verdicts = new List<GoalVerdict>();

        verdicts.Add(AtLeast(
            "authcache-embedded requests/s ≥ 100× baseline (Renewing workload)",
            embedded is null || baseline is null ? null : embedded.Load!.RequestsPerSecond / baseline.Load!.RequestsPerSecond,
            100,
            "×"));
        verdicts.Add(AtLeast(
            "authcache-embedded p50 ≤ 1/100 of baseline p50",
            embedded is null || baseline is null ? null : baseline.Load!.P50Ms / embedded.Load!.P50Ms,
            100,
            "× lower"));
        verdicts.Add(AtLeast(
            "All hits: authcache-embedded requests/s ≥ 1.0× jwtbearer",
            hitEmbedded is null || hitJwtBearer is null ? null : hitEmbedded.Load!.RequestsPerSecond / hitJwtBearer.Load!.RequestsPerSecond,
            1.0,
            "×"));
        verdicts.Add(AtMost(
            "All hits: authcache-embedded CPU per request ≤ 1.0× jwtbearer",
            hitEmbedded is null || hitJwtBearer is null ? null : hitEmbedded.CpuSecondsPer1kRequests / hitJwtBearer.CpuSecondsPer1kRequests,
            1.0,
            "×"));

        foreach (var system in new[] { embedded, cluster }.OfType<SystemOutcome>())
        {
            verdicts.Add(AtMost(
                $"{system.System}: JWKS fetched at most once per issuer per refresh interval (run < 2 h)",
                system.RunUpstream.Jwks + system.RunUpstream.Discovery,
                1,
                " fetches"));
            verdicts.Add(AtMost(
                $"{system.System}: user API at most once per user per profile TTL (run < 5 min; {system.Load!.DistinctUsersInRun} users requested)",
                system.RunUpstream.Users,
                system.Load.DistinctUsersInRun,
                " calls"));
            verdicts.Add(AtMost(
                $"{system.System}: ≥ 99% fewer upstream calls per request than baseline",
                baseline is null ? null : system.UpstreamPer1kRequests / baseline.UpstreamPer1kRequests,
                0.01,
                "× baseline's"));
        }

        verdicts.Add(cluster is null || twoJwtBearer is null
            ? Unmeasured("authcache-cluster: half the user calls of 2 jwtbearer processes", clusterSkipped)
            : AtMost("authcache-cluster: half the user calls of 2 jwtbearer processes", cluster.RunUpstream.Users / (double)Math.Max(1, twoJwtBearer.RunUpstream.Users), 0.5, "× theirs"));
        verdicts.Add(hitCluster is null
            ? Unmeasured("authcache-cluster: cross-process cache hit p99 ≤ 2 ms at 64 connections", clusterSkipped)
            : AtMost($"authcache-cluster: cross-process cache hit p99 ≤ 2 ms at {report.Settings.Connections} connections, saturated (as fast as answered)", hitCluster.Load!.P99Ms, 2.0, " ms"));
        verdicts.Add(fixedRateCluster is null
            ? Unmeasured("authcache-cluster: cross-process cache hit p99 ≤ 2 ms at 64 connections, fixed rate", clusterSkipped)
            : AtMost($"authcache-cluster: cross-process cache hit p99 ≤ 2 ms at {report.Settings.Connections} connections, {report.Settings.FixedRate:N0} requests/s offered (median over the rounds: {Rounds.P99s(report.AllHitsAtFixedRate, SystemNames.Cluster)})", Rounds.MedianP99(report.AllHitsAtFixedRate, SystemNames.Cluster), 2.0, " ms"));
        verdicts.Add(AtMost(
            "≤ 3 KB (3,072 bytes) of managed heap per cached token, activation included",
            report.Memory?.BytesPerToken,
            3_072,
            " bytes"));
        return verdicts;
    }

    internal static GoalVerdict AtLeast(string goal, double? measured, double target, string unit) => measured is not { } value || double.IsNaN(value)
        ? Unmeasured(goal, null)
        : new GoalVerdict(goal, Format(value) + unit, value >= target ? "met" : $"missed: {Format(target / value)}× short");

    internal static GoalVerdict AtMost(string goal, double? measured, double target, string unit) => measured is not { } value || double.IsNaN(value)
        ? Unmeasured(goal, null)
        : new GoalVerdict(goal, Format(value) + unit, value <= target ? "met" : target == 0 ? "missed" : $"missed: {Format(value / target)}× over");

    internal static GoalVerdict Unmeasured(string goal, string? reason) => new(goal, "—", "not measured" + (reason is null ? "" : ": " + reason));

    internal static string Format(double value) => value switch
    {
        >= 100 => value.ToString("N0", Invariant),
        >= 10 => value.ToString("N1", Invariant),
        >= 0.1 => value.ToString("0.00", Invariant),
        _ => value.ToString("0.####", Invariant),
    };
}
