using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AuthCache.Bench.Load;
using AuthCache.Bench.Processes;
using AuthCache.Bench.Systems;
using AuthCache.Bench.Tokens;

namespace AuthCache.Bench.SiloLoss;

/// <summary>
/// A silo dies under load: <c>authcache-cluster</c> (2 silos, 2 client-mode API hosts) started afresh, the all-hits
/// load at the fixed rate with every request logged, one silo killed with SIGKILL <see cref="BenchSettings.KillAfter"/>
/// into the window, and the membership table watched until it declares that silo dead.
/// </summary>
public static class SiloLossPhase
{
    public const string Name = "silo-loss";

    /// <summary>Orleans declares a silo dead after missed probes and votes; this bounds how long the harness waits to see it.</summary>
    private static readonly TimeSpan MembershipWatchLimit = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan MembershipPollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<SiloLossOutcome> RunAsync(BenchSettings settings, ITokenSource hits, SystemContext context)
    {
        var system = AuthCacheClusterSystem.Cluster(settings.NearCache);
        var outcome = new SiloLossOutcome(system.Name, settings.FixedRate, settings.Connections, settings.Warmup, settings.SiloLossWindow, settings.KillAfter) { NearCache = system.NearCache };
        var logDirectory = Path.Combine(context.LogDirectory, Name);
        Directory.CreateDirectory(logDirectory);
        Console.WriteLine($"  {system.Name} ({Name}): starting");

        var starting = Stopwatch.StartNew();
        RunningSystem running;
        try
        {
            running = await SystemStart.StartAsync(system, context with { LogDirectory = logDirectory });
        }
        catch (SystemUnavailableException ex)
        {
            Console.WriteLine($"  {system.Name} ({Name}): not available: {ex.Message}");
            return outcome with { Unavailable = ex.Message };
        }
        catch (Exception ex)
        {
            Console.WriteLine($"  {system.Name} ({Name}): FAILED to start: {ex.Message}");
            return outcome with { Failure = "start-up failed: " + ex.Message };
        }

        await using (running)
        {
            try
            {
                Console.WriteLine($"  {system.Name} ({Name}): {running.Processes.Count} process(es) up in {starting.Elapsed.TotalSeconds:0} s");
                return await MeasureAsync(outcome, settings, hits, running, logDirectory);
            }
            catch (Exception ex)
            {
                Console.WriteLine($"  {system.Name} ({Name}): FAILED: {ex}");
                return outcome with { Failure = $"{ex.GetType().Name}: {ex.Message}" };
            }
        }
    }

    private static async Task<SiloLossOutcome> MeasureAsync(SiloLossOutcome outcome, BenchSettings settings, ITokenSource hits, RunningSystem running, string logDirectory)
    {
        var name = $"{outcome.System} ({Name})";
        var victim = running.Silos[^1];
        var membership = running.Membership!;
        outcome = outcome with { Silos = running.Silos.Count, ApiHosts = running.Endpoints.Count, Victim = victim.Process.Name, VictimSiloPort = victim.SiloPort };
        Console.WriteLine($"  {name}: {settings.FixedRate:N0} requests/s over {settings.Connections} connections, " +
            $"{settings.Warmup.TotalSeconds:0} s warm-up, {outcome.Window.TotalSeconds:0} s measured; {victim.Process.Name} (silo port {victim.SiloPort}) killed {settings.KillAfter.TotalSeconds:0} s into it");

        await TokenWarmer.WarmAsync(hits, running.Endpoints);
        var fallbacksBefore = await ApiHostMetrics.SumAsync(running.Endpoints, ApiHostMetrics.Fallbacks);
        Task<(long KilledAt, Task<MembershipWatch> Watch)>? killing = null;
        var load = await LoadGenerator.RunAsync(
            new LoadPlan(settings.Connections, settings.Warmup, outcome.Window, settings.ZipfExponent, settings.FixedRate, RecordEveryRequest: true),
            hits,
            running.Endpoints,
            measuredStarted: () => killing = KillAfterAsync(victim, membership, settings.KillAfter),
            measuredEnded: () => { });
        var (killedAt, watching) = await killing!;
        var fallbacksAfter = await ApiHostMetrics.SumAsync(running.Endpoints, ApiHostMetrics.Fallbacks);
        var watch = await watching;
        await WriteRequestLogAsync(Path.Combine(logDirectory, "requests.csv"), load, killedAt);

        outcome = outcome with
        {
            Load = load,
            KilledAt = killedAt,
            VictimExited = victim.Process.HasExited,
            OthersExited = running.Processes.Where(p => p != victim.Process && p.HasExited).Select(p => $"{p.Name} (log: {p.LogPath})").ToArray(),
            DeclaredDeadAfter = watch.DeclaredDeadAfter,
            MembershipWatched = watch.Watched,
            MembershipProblem = watch.Problem,
            Fallbacks = fallbacksAfter - fallbacksBefore,
        };
        var figures = SiloLossFigures.From(outcome);
        var inFlight = figures.AroundTheKill[1];
        Console.WriteLine($"  {name}: {figures.Sent:N0} requests in the window, {figures.Answered2xx:N0} answered 2xx ({figures.AnsweredWithoutProfile:N0} without the profile), failed {figures.Failed} (transport errors {figures.TransportErrors}" +
            $"{string.Concat(figures.Non2xxByStatus.Select(p => $", HTTP {p.Key}: {p.Value}"))}); p99 {figures.P99Ms:0.###} ms, p99.9 {figures.P999Ms:0.###} ms, max {figures.MaxMs:0.###} ms, " +
            $"{figures.OverOneSecond} over 1 s; in flight at the kill: {inFlight.Requests}, max {inFlight.MaxMs:0.###} ms; " +
            (watch.DeclaredDeadAfter is { } dead ? $"declared dead after {dead.TotalSeconds:0.0} s" : $"not declared dead within {watch.Watched.TotalSeconds:0} s{(watch.Problem is null ? "" : ": " + watch.Problem)}"));
        return outcome;
    }

    /// <summary>Every request of the window, for reading what the tables sum up: times in ms from the kill (start: where its latency counts from), by when it was sent.</summary>
    private static async Task WriteRequestLogAsync(string path, LoadResult load, long killedAt)
    {
        static string Ms(long ticks) => (ticks * 1000.0 / Stopwatch.Frequency).ToString("0.000", CultureInfo.InvariantCulture);
        var lines = load.RequestLog!
            .OrderBy(r => r.Sent)
            .Select(r => $"{Ms(r.Start - killedAt)},{Ms(r.Sent - killedAt)},{Ms(r.Ended - killedAt)},{Ms(r.LatencyTicks)},{r.Status},{r.Target},{(r.WithoutProfile ? 1 : 0)}");
        await File.WriteAllLinesAsync(path, ["start_ms,sent_ms,ended_ms,latency_ms,status,api_host,without_profile", .. lines]);
    }

    /// <summary>Waits, kills the silo, and starts watching the membership table from that instant.</summary>
    private static async Task<(long KilledAt, Task<MembershipWatch> Watch)> KillAfterAsync(SiloProcess victim, MembershipTable membership, TimeSpan delay)
    {
        await Task.Delay(delay);
        var killedAt = Stopwatch.GetTimestamp();
        await victim.Process.KillAsync();
        return (killedAt, Task.Run(() => WatchMembershipAsync(membership, victim.SiloPort, killedAt)));
    }

    private static async Task<MembershipWatch> WatchMembershipAsync(MembershipTable membership, int siloPort, long killedAt)
    {
        string? problem = null;
        while (Stopwatch.GetElapsedTime(killedAt) < MembershipWatchLimit)
        {
            try
            {
                var row = (await membership.ReadAsync()).FirstOrDefault(r => r.SiloPort == siloPort);
                problem = row is null ? $"no entry for silo port {siloPort} in {membership.Key}" : null;
                if (row?.Status == MembershipRow.Dead)
                {
                    return new MembershipWatch(Stopwatch.GetElapsedTime(killedAt), Stopwatch.GetElapsedTime(killedAt), null);
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                problem = $"{membership.Key} unreadable: {ex.GetType().Name}: {ex.Message}";
            }

            await Task.Delay(MembershipPollInterval);
        }

        return new MembershipWatch(null, Stopwatch.GetElapsedTime(killedAt), problem);
    }

    private sealed record MembershipWatch(TimeSpan? DeclaredDeadAfter, TimeSpan Watched, string? Problem);
}
