using System.Globalization;
using AuthCache.Bench.Runs;

namespace AuthCache.Bench.Report;

/// <summary>
/// The rounds of the fixed-rate run: which systems are measured again in each round, and their p99s set against
/// jwtbearer's of the same round. One 30 s window moves a p99 of a few milliseconds by about one on this machine,
/// as much as the goal's margin, so the goal reads the median over the rounds.
/// </summary>
public static class FixedRateRounds
{
    public const string JwtBearer = "jwtbearer";
    public const string TwoJwtBearer = "2 × jwtbearer";
    public const string Cluster = "authcache-cluster";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static bool Repeats(string system) => system is JwtBearer or TwoJwtBearer or Cluster;

    /// <summary>p99 of <paramref name="system"/> minus jwtbearer's, for each round that measured both.</summary>
    public static IReadOnlyList<double> ExcessOverJwtBearer(IReadOnlyList<SystemOutcome> outcomes, string system) =>
        outcomes
            .Where(o => o.System == system && o.Measured)
            .Select(o => (Outcome: o, JwtBearer: outcomes.FirstOrDefault(j => j.System == JwtBearer && j.Round == o.Round && j.Measured)))
            .Where(pair => pair.JwtBearer is not null)
            .Select(pair => pair.Outcome.Load!.P99Ms - pair.JwtBearer!.Load!.P99Ms)
            .ToList();

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The p99 of each round of <paramref name="system"/>, as "2.500 / 2.800 ms".</summary>
    public static string P99s(IReadOnlyList<SystemOutcome> outcomes, string system) =>
        string.Join(" / ", outcomes.Where(o => o.System == system && o.Measured).Select(o => Ms(o.Load!.P99Ms))) + " ms";

    public static string Signed(double ms) => ms.ToString("+0.000;−0.000", Invariant) + " ms";

    private static string Ms(double ms) => ms.ToString("0.000", Invariant);
}
