using System.Globalization;
using System.Net;
using AuthCache.Bench.Load;
using AuthCache.Bench.Processes;
using AuthCache.Bench.Systems;
using AuthCache.Bench.Tokens;

namespace AuthCache.Bench.Flood;

/// <summary>
/// Issue 6's forged-token flood against <c>authcache-embedded</c>: the valid load is warmed and measured alone,
/// then measured again for as long while a flood of distinct forged tokens arrives over other connections (from
/// another loopback address when the machine allows it); the host's memory and caches are read before the flood,
/// during it, and after it has settled.
/// </summary>
public static class FloodPhase
{
    public const string Name = "flood";

    /// <summary>The flood runs this long before the window opens, so the window sees it at its steady rate.</summary>
    private static readonly TimeSpan LeadIn = TimeSpan.FromSeconds(2);

    /// <summary>How long the host is left idle after the flood before "after" is read.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <summary>Long enough that no forged token expires before it is sent: the host must check its signature, not its expiry.</summary>
    private static readonly TimeSpan ForgedLifetime = TimeSpan.FromHours(1);

    public static async Task<FloodOutcome> RunAsync(BenchSettings settings, ITokenSource validTokens, SystemContext context)
    {
        var system = new AuthCacheEmbeddedSystem(settings.NearCache);
        var outcome = new FloodOutcome(system.Name, settings.FloodRate, settings.FloodConnections, LeadIn, Settle);

        var forgedCount = (int)Math.Ceiling(settings.FloodRate * (LeadIn + settings.Duration).TotalSeconds) + settings.FloodConnections;
        var forged = ForgedTokenFactory.For(context.Issuer).Mint(forgedCount, ForgedLifetime);
        outcome = outcome with { ForgedTokensSigned = forged.Count, SigningTime = forged.MintingTime };
        Console.WriteLine($"  {system.Name} (flood): {forged.Count:N0} forged tokens signed in {forged.MintingTime.TotalSeconds:0.0} s; starting");

        RunningSystem running;
        try
        {
            running = await SystemStart.StartAsync(system, context);
        }
        catch (Exception ex)
        {
            Console.WriteLine($"  {system.Name} (flood): FAILED to start: {ex.Message}");
            return outcome with { Failure = "start-up failed: " + ex.Message };
        }

        await using (running)
        {
            var host = running.Processes.Single();
            var endpoint = running.Endpoints.Single();
            using var probe = new HostProbe(host, endpoint);
            try
            {
                outcome = await MeasureAsync(outcome, settings, validTokens, forged, running, probe);
            }
            catch (Exception ex)
            {
                Console.WriteLine($"  {system.Name} (flood): FAILED: {ex}");
                return outcome with { Failure = $"{ex.GetType().Name}: {ex.Message}" };
            }

            return host.HasExited ? outcome with { Failure = $"{host.Name} exited during the flood (log: {host.LogPath})" } : outcome;
        }
    }

    private static async Task<FloodOutcome> MeasureAsync(
        FloodOutcome outcome,
        BenchSettings settings,
        ITokenSource validTokens,
        ForgedTokenPool forged,
        RunningSystem running,
        HostProbe probe)
    {
        var name = outcome.System + " (flood)";
        var host = running.Processes.Single();
        var endpoint = running.Endpoints.Single();

        Console.WriteLine($"  {name}: valid load alone: {settings.Warmup.TotalSeconds:0} s warm-up, {settings.Duration.TotalSeconds:0} s measured, {settings.Connections} connections");
        var quietCpu = new CpuWindow(running);
        var quiet = await LoadGenerator.RunAsync(
            new LoadPlan(settings.Connections, settings.Warmup, settings.Duration, settings.ZipfExponent),
            validTokens,
            running.Endpoints,
            quietCpu.Open,
            quietCpu.Close);
        Console.WriteLine($"  {name}: without flood {quiet.RequestsPerSecond:N0} req/s, p50 {quiet.P50Ms:0.###} ms, p99 {quiet.P99Ms:0.###} ms, non-2xx {quiet.Non2xx}");

        var before = await probe.TakeAsync();
        var floodAddress = await LoopbackAlias.ProbeAsync(endpoint);
        Console.WriteLine($"  {name}: flood of {settings.FloodRate:N0} forged tokens/s from {floodAddress ?? IPAddress.Loopback} over {settings.FloodConnections} connections, {LeadIn.TotalSeconds:0} s before and during {settings.Duration.TotalSeconds:0} s of the same valid load");

        using var stopFlood = new CancellationTokenSource();
        var workingSet = new WorkingSetSampler(probe.WorkingSetBytes);
        var heap = ManagedHeap.Watch(host.Pid);
        var flooding = Task.Run(() => FloodSender.RunAsync(forged, endpoint, settings.FloodConnections, settings.FloodRate, floodAddress, stopFlood.Token));
        var floodedCpu = new CpuWindow(running);
        var flooded = await LoadGenerator.RunAsync(
            new LoadPlan(settings.Connections, LeadIn, settings.Duration, settings.ZipfExponent),
            validTokens,
            running.Endpoints,
            floodedCpu.Open,
            () =>
            {
                floodedCpu.Close();
                stopFlood.Cancel();
            });
        var flood = await flooding;
        var peakWorkingSet = await workingSet.StopAsync();
        var (peakHeap, collections) = await heap.StopAsync();
        Console.WriteLine($"  {name}: during flood {flooded.RequestsPerSecond:N0} req/s, p50 {flooded.P50Ms:0.###} ms, p99 {flooded.P99Ms:0.###} ms, non-2xx {flooded.Non2xx}; " +
            $"flood {flood.Sent:N0} sent ({flood.RequestsPerSecond:N0}/s): 401 {flood.Rejected:N0}, 429 {flood.Limited:N0}, 5xx {flood.ServerErrors}, accepted {flood.Accepted}, errors {flood.Errors}");

        await Task.Delay(Settle);
        var after = await probe.TakeAsync();
        Console.WriteLine($"  {name}: RSS {Mb(before.WorkingSetBytes)} → peak {Mb(peakWorkingSet)} → {Mb(after.WorkingSetBytes)} MB after {Settle.TotalSeconds:0} s; " +
            $"heap after full GC {Mb(before.HeapAfterFullCollectionBytes)} → {Mb(after.HeapAfterFullCollectionBytes)} MB; cached tokens {before.CachedTokens} → {after.CachedTokens}; activations {before.Activations} → {after.Activations}");

        return outcome with
        {
            Quiet = quiet,
            QuietCpu = quietCpu.Elapsed,
            Flooded = flooded,
            FloodedCpu = floodedCpu.Elapsed,
            Flood = flood,
            Before = before,
            After = after,
            PeakWorkingSetDuringBytes = peakWorkingSet,
            PeakHeapDuringBytes = peakHeap,
            CollectionsDuring = collections,
            PeakWorkingSetOfRunBytes = Math.Max(probe.PeakWorkingSetBytes(), Math.Max(peakWorkingSet, after.WorkingSetBytes)),
        };
    }

    private static string Mb(long? bytes) => bytes is { } b ? (b / (1024.0 * 1024)).ToString("N0", CultureInfo.InvariantCulture) : "?";

    /// <summary>CPU the system's processes spent between <see cref="Open"/> and <see cref="Close"/>.</summary>
    private sealed class CpuWindow(RunningSystem running)
    {
        private long _opened;
        private long _closed;

        public TimeSpan Elapsed => TimeSpan.FromSeconds((_closed - _opened) / (double)ProcFs.TicksPerSecond);

        public void Open() => _opened = running.CpuTicks();

        public void Close() => _closed = running.CpuTicks();
    }
}
