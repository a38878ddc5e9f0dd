using System.Globalization;
using System.Text;

namespace AuthCache.Bench.SiloLoss;

/// <summary>The "A silo killed under load" section of the report: the window's requests and tail, the seconds around the kill, the membership table.</summary>
public static class SiloLossMarkdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(SiloLossOutcome? outcome, BenchSettings s)
    {
        var md = new StringBuilder();
        md.AppendLine("## A silo killed under load").AppendLine();
        if (outcome is null)
        {
            return md.AppendLine($"Not run (`--systems` without `{SiloLossPhase.Name}`).").AppendLine().ToString();
        }

        if (outcome.Unavailable is not null)
        {
            return md.AppendLine($"`{outcome.System}` not available: {outcome.Unavailable}").AppendLine().ToString();
        }

        if (!outcome.Measured)
        {
            return md.AppendLine($"FAILED: {outcome.Failure}").AppendLine().ToString();
        }

        var figures = SiloLossFigures.From(outcome);
        md.AppendLine($"`{outcome.System}` started afresh ({outcome.Silos} silo processes, {outcome.ApiHosts} API hosts in client mode, Redis; near cache {(outcome.NearCache == true ? "on" : "off")}). " +
            $"The all-hits load at a fixed rate: {s.HitUsers} warm long-lived tokens, {outcome.OfferedRate:N0} requests/s offered over {outcome.Connections} connections split over the API hosts, " +
            $"{outcome.Warmup.TotalSeconds:0} s warm-up, then a {outcome.Window.TotalSeconds:0} s window; `{outcome.Victim}` (silo port {outcome.VictimSiloPort}) was killed with SIGKILL " +
            $"{outcome.KillAfter.TotalSeconds:0} s into the window. Every request due in the window is counted, however late it was answered: a request sent late because the one before it on its connection was slow " +
            "counts from when it was due (\"on the wire\" counts from when it was actually sent), and a paced connection still sends what was due in the window after it closes. " +
            "Every answer's body is checked: a 2xx names the caller; \"without the profile\" counts those that carried no user profile (an answer validated in the API host when the grains did not answer has none).").AppendLine();

        md.AppendLine("| requests sent | answered 2xx | of which without the profile | failed: transport errors | failed: non-2xx (by status) | p50 ms | p99 ms | p99.9 ms | max ms | over 1 s | over 1 s on the wire |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(string.Join(" | ",
            "| " + figures.Sent.ToString("N0", Invariant),
            figures.Answered2xx.ToString("N0", Invariant),
            figures.AnsweredWithoutProfile.ToString("N0", Invariant),
            figures.TransportErrors.ToString("N0", Invariant),
            figures.Non2xxByStatus.Count == 0 ? "0" : string.Join(", ", figures.Non2xxByStatus.Select(p => $"{p.Key}: {p.Value:N0}")),
            Ms(figures.P50Ms),
            Ms(figures.P99Ms),
            Ms(figures.P999Ms),
            Ms(figures.MaxMs),
            figures.OverOneSecond.ToString("N0", Invariant),
            figures.OverOneSecondOnTheWire.ToString("N0", Invariant)) + " |");
        md.AppendLine();

        md.AppendLine("| around the kill | requests | failed | p99 ms | max ms |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var slice in figures.AroundTheKill)
        {
            md.AppendLine(slice.Requests == 0
                ? $"| {slice.Label} | 0 | | | |"
                : $"| {slice.Label} | {slice.Requests:N0} | {slice.Failed:N0} | {Ms(slice.P99Ms)} | {Ms(slice.MaxMs)} |");
        }

        md.AppendLine();
        md.AppendLine($"- Membership table (`{{ServiceId}}/members/{{ClusterId}}` in Redis, polled every 0.25 s from the kill): " +
            (outcome.DeclaredDeadAfter is { } dead
                ? $"`{outcome.Victim}` declared Dead **{dead.TotalSeconds:0.0} s** after the kill."
                : $"`{outcome.Victim}` not declared Dead within {outcome.MembershipWatched.TotalSeconds:0} s of the kill{(outcome.MembershipProblem is null ? "" : $" ({outcome.MembershipProblem})")}."));
        md.AppendLine($"- Authentications the API hosts validated themselves instead of asking a grain (`authcache_fallbacks_total`, warm-up and window): {(outcome.Fallbacks is { } fallbacks ? fallbacks.ToString("N0", Invariant) : "unread")}.");
        md.AppendLine($"- Answered 2xx in the window's last second, per API host: {string.Join(", ", figures.AnsweredInLastSecondByApiHost.Select(n => n.ToString("N0", Invariant)))}.");
        if (outcome.Load!.FirstError is { } firstError)
        {
            md.AppendLine($"- First failure seen: {firstError}");
        }

        md.AppendLine();
        return md.ToString();
    }

    private static string Ms(double ms) => ms.ToString(ms >= 100 ? "N0" : ms >= 10 ? "0.0" : "0.000", Invariant);
}
