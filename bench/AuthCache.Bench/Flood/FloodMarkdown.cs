using System.Globalization;
using System.Text;
using AuthCache.Bench.Load;

namespace AuthCache.Bench.Flood;

/// <summary>The "Forged-token flood (issue 6)" section of the report: the valid load without and during the flood, the flood's answers, the host's memory.</summary>
public static class FloodMarkdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(FloodOutcome? outcome, BenchSettings s)
    {
        var md = new StringBuilder();
        md.AppendLine("## Forged-token flood (issue 6)").AppendLine();
        if (outcome is null)
        {
            return md.AppendLine($"Not run (`--systems` without `{FloodPhase.Name}`).").ToString();
        }

        if (!outcome.Measured)
        {
            return md.AppendLine($"FAILED: {outcome.Failure}").ToString();
        }

        var quiet = outcome.Quiet!;
        var flooded = outcome.Flooded!;
        var flood = outcome.Flood!;
        var before = outcome.Before!;
        var after = outcome.After!;

        md.AppendLine($"`{outcome.System}` started afresh. Valid load: the renewing workload's {s.Users:N0} users, {s.Connections} connections, " +
            $"{s.Warmup.TotalSeconds:0} s warm-up, then {s.Duration.TotalSeconds:0} s measured alone and {s.Duration.TotalSeconds:0} s measured again during the flood. " +
            $"Flood: {outcome.ForgedTokensSigned:N0} distinct forged tokens (the issuer's `iss` and RSA `kid`, RS256, random `sub`/`sid`/`jti`, signed by a foreign 2048-bit key " +
            $"in {outcome.SigningTime.TotalSeconds:0.0} s before the host started), each sent once, paced at {outcome.FloodRate:N0}/s over {outcome.FloodConnections} connections of its own " +
            $"from {flood.ClientAddress}, starting {outcome.LeadIn.TotalSeconds:0} s before the window and stopped when it closed.").AppendLine();
        if (flood.ClientAddress == System.Net.IPAddress.Loopback.ToString())
        {
            md.AppendLine("Binding the flood's sockets to 127.0.0.2 failed here, so the flood and the valid load came from the same address.").AppendLine();
        }

        md.AppendLine("| valid tokens, `GET /api/v1/me` | req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx | host CPU s in window |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(LoadRow("without flood", quiet, outcome.QuietCpu));
        md.AppendLine(LoadRow("during flood", flooded, outcome.FloodedCpu));
        md.AppendLine(string.Join(" | ",
            "| during ÷ without",
            Ratio(flooded.RequestsPerSecond, quiet.RequestsPerSecond),
            Ratio(flooded.P50Ms, quiet.P50Ms),
            Ratio(flooded.P95Ms, quiet.P95Ms),
            "**" + Ratio(flooded.P99Ms, quiet.P99Ms) + "**",
            Ratio(flooded.MaxMs, quiet.MaxMs),
            "",
            Ratio(outcome.FloodedCpu.TotalSeconds, outcome.QuietCpu.TotalSeconds)) + " |");
        md.AppendLine();

        md.AppendLine("| forged tokens sent | per s | 401 (reason) | 429 | 5xx | accepted | failed requests | answer p50 / p99 ms |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(string.Join(" | ",
            "| " + flood.Sent.ToString("N0", Invariant),
            flood.RequestsPerSecond.ToString("N0", Invariant),
            $"{flood.Rejected:N0} ({string.Join(", ", flood.RejectionReasons.Select(r => $"`{r.Key}` {r.Value:N0}"))})",
            flood.Limited.ToString("N0", Invariant),
            flood.ServerErrors.ToString("N0", Invariant),
            flood.Accepted.ToString("N0", Invariant),
            flood.Errors.ToString("N0", Invariant),
            $"{Ms(flood.P50Ms)} / {Ms(flood.P99Ms)}") + " |");
        md.AppendLine();

        md.AppendLine($"| API host | before the flood | during the flood | after it + {outcome.Settle.TotalSeconds:0} s idle |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine($"| resident set (VmRSS), MiB | {MiB(before.WorkingSetBytes)} | peak {MiB(outcome.PeakWorkingSetDuringBytes)} (sampled every 100 ms) | {MiB(after.WorkingSetBytes)} |");
        md.AppendLine($"| managed heap, MiB | {MiB(before.HeapAfterFullCollectionBytes)} after a full GC | largest left by a GC: {MiB(outcome.PeakHeapDuringBytes)} ({outcome.CollectionsDuring} GC{(outcome.CollectionsDuring == 1 ? "" : "s")}) | {MiB(after.HeapAfterFullCollectionBytes)} after a full GC |");
        md.AppendLine($"| cached tokens (`stats`) | {Count(before.CachedTokens)} | | {Count(after.CachedTokens)} |");
        md.AppendLine($"| cached tokens' approximate size (`stats`), KiB | {KiB(before.CachedTokenBytes)} | | {KiB(after.CachedTokenBytes)} |");
        md.AppendLine($"| cached user profiles (`stats`) | {Count(before.CachedProfiles)} | | {Count(after.CachedProfiles)} |");
        md.AppendLine($"| grain activations (`orleans_catalog_activations`) | {Count(before.Activations)} | | {Count(after.Activations)} |");
        md.AppendLine($"| Orleans grain directory cache entries (`orleans_directory_cache_size`) | {Count(before.DirectoryCacheEntries)} | | {Count(after.DirectoryCacheEntries)} |");
        md.AppendLine();
        md.AppendLine($"Peak resident set over the host's whole life: {MiB(outcome.PeakWorkingSetOfRunBytes)} MiB (VmHWM, or a sampled VmRSS if higher: the kernel updates VmHWM lazily). The managed heap is read over EventPipe (the runtime's diagnostics port, as dotnet-gcdump does), which induces the full collections; nothing in the host was changed for it.").AppendLine();

        md.AppendLine("**Reading.** " + Reading(outcome)).AppendLine();
        return md.ToString();
    }

    private static string Reading(FloodOutcome o)
    {
        var flood = o.Flood!;
        var heapBefore = o.Before!.HeapAfterFullCollectionBytes;
        var heapAfter = o.After!.HeapAfterFullCollectionBytes;
        var heap = heapBefore is { } hb && heapAfter is { } ha
            ? $"its managed heap after a full collection went from {MiB(hb)} to {MiB(ha)} MiB ({((ha - hb) / 1048576.0).ToString("+0.0;−0.0;0.0", Invariant)} MiB)"
            : "its managed heap could not be read";
        return $"During the flood the valid-token p99 was {Ms(o.Flooded!.P99Ms)} ms against {Ms(o.Quiet!.P99Ms)} ms without it ({Ratio(o.Flooded.P99Ms, o.Quiet.P99Ms)}) " +
            $"at {Ratio(o.Flooded.RequestsPerSecond, o.Quiet.RequestsPerSecond)} the requests/s, with {o.Flooded.Non2xx} valid tokens refused; the host answered {flood.Sent:N0} forged tokens " +
            $"with {flood.Rejected:N0} × 401 and {flood.Limited:N0} × 429 (its address past its failure budget; the 429 is decided after the token's validation, so it does not spare the host that work), " +
            $"accepted {flood.Accepted} and gave {flood.ServerErrors} 5xx. " +
            $"After the flood {heap}; {Leftovers(o)}{DirectoryCache(o)}";
    }

    /// <summary>Activations beyond the new cached tokens and profiles (of valid users) are what the flood could have left.</summary>
    private static string Leftovers(FloodOutcome o)
    {
        var (before, after, sent) = (o.Before!, o.After!, o.Flood!.Sent);
        var cached = $"the cached tokens went from {Count(before.CachedTokens)} to {Count(after.CachedTokens)}";
        if (before.Activations is not { } activationsBefore || after.Activations is not { } activationsAfter
            || before.CachedTokens is not { } tokensBefore || after.CachedTokens is not { } tokensAfter
            || before.CachedProfiles is not { } profilesBefore || after.CachedProfiles is not { } profilesAfter)
        {
            return cached + ".";
        }

        var unexplained = activationsAfter - activationsBefore - (tokensAfter - tokensBefore) - (profilesAfter - profilesBefore);
        return $"{cached} and the grain activations from {activationsBefore:N0} to {activationsAfter:N0}, {(unexplained > 0 ? unexplained.ToString("N0", Invariant) : "none")} beyond the valid users' new cached tokens and profiles: " +
            (unexplained <= sent / 100
                ? $"the {sent:N0} forged tokens left no activation behind."
                : $"up to {unexplained:N0} activations the {sent:N0} forged tokens may have left.");
    }

    /// <summary>
    /// Orleans caches the location of every grain it looked up, deactivated or not, so each forged token's
    /// short-lived activation leaves an entry until the LRU's bound (<c>GrainDirectoryOptions.CacheSize</c>).
    /// </summary>
    private static string DirectoryCache(FloodOutcome o) =>
        o.Before!.DirectoryCacheEntries is { } before && o.After!.DirectoryCacheEntries is { } after
            ? $" Orleans' grain directory cache went from {before:N0} to {after:N0} entries: it keeps the location of every grain looked up, deactivated or not, up to `GrainDirectoryOptions.CacheSize` (an LRU of 1,000,000 entries by default)."
            : "";

    private static string LoadRow(string label, LoadResult load, TimeSpan cpu) => string.Join(" | ",
        "| " + label,
        load.RequestsPerSecond.ToString("N0", Invariant),
        Ms(load.P50Ms),
        Ms(load.P95Ms),
        Ms(load.P99Ms),
        Ms(load.MaxMs),
        load.Non2xx.ToString(Invariant),
        cpu.TotalSeconds.ToString("0.00", Invariant)) + " |";

    private static string Ratio(double value, double reference) =>
        reference > 0 && !double.IsNaN(value) ? (value / reference).ToString("0.00", Invariant) + "×" : "—";

    private static string Ms(double ms) => ms.ToString(ms >= 100 ? "N0" : ms >= 10 ? "0.0" : "0.000", Invariant);

    private static string MiB(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("N1", Invariant) : "—";

    private static string KiB(long? bytes) => bytes is { } b ? (b / 1024.0).ToString("N0", Invariant) : "—";

    private static string Count(long? count) => count is { } c ? c.ToString("N0", Invariant) : "—";
}
