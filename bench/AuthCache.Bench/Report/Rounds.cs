using System.Globalization;
using AuthCache.Bench.Runs;
using AuthCache.Bench.Systems;

namespace AuthCache.Bench.Report;

/// <summary>
/// The rounds of the renewing and the fixed-rate runs: which systems are measured again in each round, and their
/// figures set against their comparator's of the same round. One window moves a p99 of a few milliseconds by about
/// one, and a multi-process system's requests/s by 10% or more, on this machine: as much as the goals' margins, so
/// the goals read the median over the rounds.
/// </summary>
public static class Rounds
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The systems the renewing goal compares: the cluster against two JwtBearer processes.</summary>
    public static bool RepeatsRenewing(string system) => system is SystemNames.TwoJwtBearer or SystemNames.Cluster;

    /// <summary>The systems the fixed-rate goal compares, and the one- and two-process references.</summary>
    public static bool RepeatsFixedRate(string system) =>
        SystemNames.WithoutTls(system) is SystemNames.JwtBearer or SystemNames.TwoJwtBearer or SystemNames.TwoJwtBearerBesideIdleSilos or SystemNames.Cluster or SystemNames.Client;

    /// <summary>p99 of <paramref name="system"/> minus jwtbearer's, for each round that measured both.</summary>
    public static IReadOnlyList<double> ExcessOverJwtBearer(IReadOnlyList<SystemOutcome> outcomes, string system) =>
        Paired(outcomes, system, SystemNames.JwtBearer).Select(pair => pair.System.Load!.P99Ms - pair.Comparator.Load!.P99Ms).ToList();

    /// <summary>Requests/s of <paramref name="system"/> over <paramref name="comparator"/>'s, for each round that measured both.</summary>
    public static IReadOnlyList<double> ThroughputRatios(IReadOnlyList<SystemOutcome> outcomes, string system, string comparator) =>
        Paired(outcomes, system, comparator).Select(pair => pair.System.Load!.RequestsPerSecond / pair.Comparator.Load!.RequestsPerSecond).ToList();

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The median over the rounds of <paramref name="system"/>'s p99.</summary>
    public static double MedianP99(IReadOnlyList<SystemOutcome> outcomes, string system) =>
        Median(Measured(outcomes, system).Select(o => o.Load!.P99Ms).ToList());

    /// <summary>The p99 of each round of <paramref name="system"/>, as "2.500 / 2.800 ms".</summary>
    public static string P99s(IReadOnlyList<SystemOutcome> outcomes, string system) =>
        string.Join(" / ", Measured(outcomes, system).Select(o => o.Load!.P99Ms.ToString("0.000", Invariant))) + " ms";

    /// <summary>The requests/s of each round of <paramref name="system"/>, as "12,334 / 11,201".</summary>
    public static string Throughputs(IReadOnlyList<SystemOutcome> outcomes, string system) =>
        string.Join(" / ", Measured(outcomes, system).Select(o => o.Load!.RequestsPerSecond.ToString("N0", Invariant)));

    public static string Signed(double ms) => ms.ToString("+0.000;−0.000", Invariant) + " ms";

    /// <summary>The measured outcome of <paramref name="system"/> in <paramref name="round"/>, if there is one.</summary>
    public static SystemOutcome? InRound(IReadOnlyList<SystemOutcome> outcomes, string system, int round) =>
        outcomes.FirstOrDefault(o => o.System == system && o.Round == round && o.Measured);

    private static IEnumerable<SystemOutcome> Measured(IReadOnlyList<SystemOutcome> outcomes, string system) =>
        outcomes.Where(o => o.System == system && o.Measured);

    private static IEnumerable<(SystemOutcome System, SystemOutcome Comparator)> Paired(IReadOnlyList<SystemOutcome> outcomes, string system, string comparator) =>
        Measured(outcomes, system)
            .Select(o => (System: o, Comparator: InRound(outcomes, comparator, o.Round)))
            .Where(pair => pair.Comparator is not null)
            .Select(pair => (pair.System, pair.Comparator!));
}
