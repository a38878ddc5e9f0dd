using System.Globalization;
using System.Text;
using AuthCache.Bench.Runs;
using AuthCache.Bench.Systems;

namespace AuthCache.Bench.Report;

/// <summary>
/// The client-mode cluster with mutual TLS on its Orleans connections against the same cluster without, from the
/// same run (<c>--tls both</c>): all-hits requests/s and CPU per request, and the fixed-rate p99 (median over the rounds).
/// </summary>
public static class TlsMarkdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(BenchReport report)
    {
        var systems = new[] { SystemNames.Cluster, SystemNames.Client }
            .Where(system => report.AllHits.Concat(report.AllHitsAtFixedRate).Any(o => o.System == SystemNames.WithTls(system) && o.Measured))
            .ToList();
        if (systems.Count == 0)
        {
            return "";
        }

        var md = new StringBuilder();
        md.AppendLine("## Mutual TLS on the cluster's connections: on against off").AppendLine();
        md.AppendLine("The `+ tls` rows are the same systems started with `Orleans:Tls:Enabled=true` and the certificates of " +
            "`deploy/dev-certs/make-dev-certs.sh` (made into the run's folder): silos with the silo certificate, client-mode API hosts with the client certificate, " +
            "every remote certificate checked against the private CA. Each runs right after its plain row, in every round. A hit is answered from the API host's near cache, " +
            "so TLS should cost only on the misses and fan-out that cross processes.").AppendLine();
        md.AppendLine("| system | all hits: requests/s off → on | ratio | CPU µs per request off → on | fixed rate: p99 off → on (median over the rounds) | p99 − jwtbearer's off → on |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var system in systems)
        {
            var tls = SystemNames.WithTls(system);
            var off = report.Find(report.AllHits, system);
            var on = report.Find(report.AllHits, tls);
            var throughput = off is null || on is null
                ? ("—", "—", "—")
                : ($"{off.Load!.RequestsPerSecond:N0} → {on.Load!.RequestsPerSecond:N0}",
                   (on.Load.RequestsPerSecond / off.Load.RequestsPerSecond).ToString("0.00", Invariant) + "×",
                   $"{off.CpuSecondsPer1kRequests * 1000:0.0} → {on.CpuSecondsPer1kRequests * 1000:0.0}");
            var p99 = Has(report.AllHitsAtFixedRate, system) && Has(report.AllHitsAtFixedRate, tls)
                ? $"{Rounds.MedianP99(report.AllHitsAtFixedRate, system):0.000} → {Rounds.MedianP99(report.AllHitsAtFixedRate, tls):0.000} ms"
                : "—";
            var offExcess = Rounds.ExcessOverJwtBearer(report.AllHitsAtFixedRate, system);
            var onExcess = Rounds.ExcessOverJwtBearer(report.AllHitsAtFixedRate, tls);
            var excess = offExcess.Count > 0 && onExcess.Count > 0 ? $"{Rounds.Signed(Rounds.Median(offExcess))} → {Rounds.Signed(Rounds.Median(onExcess))}" : "—";
            md.AppendLine($"| {system} | {throughput.Item1} | {throughput.Item2} | {throughput.Item3} | {p99} | {excess} |");
        }

        return md.AppendLine().ToString();
    }

    private static bool Has(IReadOnlyList<SystemOutcome> outcomes, string system) => outcomes.Any(o => o.System == system && o.Measured);
}
