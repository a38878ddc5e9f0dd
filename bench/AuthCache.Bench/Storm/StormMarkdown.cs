using System.Globalization;
using System.Text;

namespace AuthCache.Bench.Storm;

/// <summary>The "Revocation storm" section of the report: per system, the webhooks' throughput and answer times, Redis bytes and heap per revocation, the hit path during the storm against quiet, and the host that was away.</summary>
public static class StormMarkdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(IReadOnlyList<StormOutcome>? outcomes, BenchSettings s)
    {
        var md = new StringBuilder();
        md.AppendLine("## Revocation storm").AppendLine();
        if (outcomes is null)
        {
            return md.AppendLine($"Not run (`--systems` without `{StormPhase.Name}`).").AppendLine().ToString();
        }

        if (s.Quick && outcomes.All(o => o.System != Systems.SystemNames.Cluster))
        {
            md.AppendLine($"`--quick` without `--storm-only` runs the embedded host only; `--quick --storm-only` adds the client-mode cluster.").AppendLine();
        }

        md.AppendLine($"Each system started afresh. Hit load: the all-hits workload's {s.HitUsers} tokens at {s.FixedRate:N0} requests/s over {s.Connections} connections to the first API host, " +
            $"{s.Warmup.TotalSeconds:0} s warm-up, {s.Duration.TotalSeconds:0} s measured alone (quiet); then beside it, to the same host, signed Clerk `session.ended` webhooks (Svix signatures, a session each) " +
            $"over {s.StormConnections} connections of their own: {s.StormPacedRate:N0}/s for {s.Duration.TotalSeconds:0} s, then {s.StormWebhooks:N0} as fast as answered (the storm), each burst stopped after " +
            $"{s.StormTimeLimit.TotalSeconds:0} s. A revocation counts when its webhook is answered 200 `revoked`; its latency is the webhook's answer time. The hits' window is the burst's duration.").AppendLine();
        md.AppendLine("Redis bytes: `total_net_input_bytes` of `INFO stats` from before the storm's first webhook to after its last answer: every byte the system sent Redis (each write with its payload, " +
            "and read requests), as is and less the quiet run's rate over the same time. Heap: the API hosts' managed heap after an induced full collection (EventPipe, as dotnet-gcdump does), " +
            "before and after the storm, over the revocations; AuthCache has no per-record figure of its own, so this is the nearest to a replica's memory per record, with what else each heap holds named.").AppendLine();

        md.AppendLine("| system | revoked | revocations/s | p50 / p99 / max revoke ms | at " + s.StormPacedRate.ToString("N0", Invariant) + "/s: p50 / p99 ms | Redis B per revocation (less quiet) | hit p99 quiet → storm ms | ratio |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var o in outcomes)
        {
            if (!o.Measured)
            {
                md.AppendLine($"| {o.System} | FAILED: {o.Failure ?? "no result"} |||||||");
                continue;
            }

            var storm = o.Storm!;
            var paced = o.Paced!;
            var bytes = o.RedisBytesPerRevocation is { } b ? $"{b.Raw:N0} ({b.AboveQuiet:N0})" : "—";
            md.AppendLine($"| {o.System} | {storm.Revoked:N0} of {storm.Planned:N0}{(storm.TimedOut ? " (time limit)" : "")} | {storm.RevocationsPerSecond:N0} | " +
                $"{storm.P50Ms:N1} / {storm.P99Ms:N1} / {storm.MaxMs:N0} | {paced.P50Ms:N1} / {paced.P99Ms:N1}{(paced.Revoked < paced.Planned ? $" ({paced.Revoked:N0} of {paced.Planned:N0})" : "")} | {bytes} | " +
                $"{o.Quiet!.P99Ms:0.000} → {o.DuringStorm!.P99Ms:0.000} | {o.HitP99Ratio:0.00}× |");
        }

        md.AppendLine();
        foreach (var o in outcomes.Where(o => o.Measured))
        {
            md.AppendLine($"`{o.System}`:").AppendLine();
            md.AppendLine($"- storm statuses {Statuses(o.Storm!)}; paced {Statuses(o.Paced!)} in {o.Paced!.Elapsed.TotalSeconds:0.0} s");
            md.AppendLine($"- Redis commands during the storm: {string.Join(", ", o.StormRedis!.Calls.OrderByDescending(c => c.Value).Take(6).Select(c => $"{c.Key} {c.Value:N0}"))}; {o.StormRedis.InputBytes:N0} B in all");
            foreach (var heap in o.Heaps)
            {
                md.AppendLine($"- heap of {heap.Host} ({heap.Role}): {Kb(heap.BeforeBytes)} → {Kb(heap.AfterBytes)} KB, {(heap.BytesPerRevocation is { } per ? per.ToString("N0", Invariant) + " B per revocation" : "not read")}");
            }

            md.AppendLine($"- hits during the storm: {o.DuringStorm!.Requests:N0} in {o.DuringStorm.Measured.TotalSeconds:0.0} s, non-2xx {o.DuringStorm.Non2xx}; during the paced run p99 {o.DuringPaced!.P99Ms:0.000} ms");
            md.AppendLine($"- {o.Probes.Count(p => p.RefusedAsRevoked)} of {o.Probes.Count} tokens of revoked sessions (cached on every host before the storm) refused as `revoked` afterwards on every host");
            if (o.Away is { } away)
            {
                var sync = away.InSyncAfter is { } t ? $"**in sync {t.TotalMilliseconds:N0} ms after resuming**" : $"not in sync within the limit (last answer {away.LastAnswer})";
                var read = away.ReceivedBytes is { } r
                    ? $"its connections to the cluster having received {r:N0} B from freezing to in sync (`bytes_received` of tcp_info via `ss`, its HTTP port left out; a connection closed meanwhile is not seen)"
                    : "bytes received not measured (`ss` missing or failed)";
                md.AppendLine($"- a client-mode host frozen (SIGSTOP) while {away.Revocations.Revoked:N0} of {away.Revocations.Planned:N0} revocations went through the other host " +
                    $"({away.Revocations.RevocationsPerSecond:N0}/s, p99 {away.Revocations.P99Ms:N1} ms), then resumed: asked every 10 ms for {away.ProbedSession} (cached there before it froze), {sync}, {read}");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static string Statuses(WebhookResult r) =>
        string.Join(", ", r.ByStatus.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value:N0}")) + (r.Errors > 0 ? $", {r.Errors:N0} transport errors" : "") + (r.FirstError is { } e ? $" (first problem: {e})" : "");

    private static string Kb(long? bytes) => bytes is { } b ? (b / 1024.0).ToString("N0", Invariant) : "?";
}
