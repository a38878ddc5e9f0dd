using System.Diagnostics;
using AuthCache.Bench.Load;
using AuthCache.Bench.Processes;
using AuthCache.Bench.Systems;
using AuthCache.Bench.Tokens;

namespace AuthCache.Bench.Runs;

/// <summary>Starts one system, drives the workload at it, reads its processes' CPU and memory, and stops it.</summary>
public static class SystemMeasurement
{
    public static async Task<SystemOutcome> MeasureAsync(ISystemUnderTest system, Workload workload, ITokenSource tokens, LoadPlan plan, SystemContext context)
    {
        var outcome = new SystemOutcome(system.Name, system.Description, workload) { NearCache = system.NearCache };
        Console.WriteLine($"  {system.Name} ({workload}): starting");
        var runStart = context.Issuer.Counts;
        var starting = Stopwatch.StartNew();
        RunningSystem running;
        try
        {
            running = await SystemStart.StartAsync(system, context);
        }
        catch (SystemUnavailableException ex)
        {
            Console.WriteLine($"  {system.Name}: not available: {ex.Message}");
            return outcome with { Unavailable = ex.Message };
        }
        catch (Exception ex)
        {
            Console.WriteLine($"  {system.Name}: FAILED to start: {ex.Message}");
            return outcome with { Failure = "start-up failed: " + ex.Message };
        }

        await using (running)
        {
            Console.WriteLine($"  {system.Name}: {running.Processes.Count} process(es) up in {starting.Elapsed.TotalSeconds:0} s; {plan.Warmup.TotalSeconds:0} s warm-up, {plan.Measured.TotalSeconds:0} s measured, {plan.Connections} connections");
            long cpuBefore = 0, cpuAfter = 0, runnerBefore = 0, runnerAfter = 0;
            Issuer.UpstreamCounts upstreamBefore = default, upstreamAfter = default;
            LoadResult load;
            try
            {
                if (workload is Workload.AllHits or Workload.AllHitsAtFixedRate)
                {
                    await TokenWarmer.WarmAsync(tokens, running.Endpoints);
                }

                load = await LoadGenerator.RunAsync(
                    plan,
                    tokens,
                    running.Endpoints,
                    measuredStarted: () =>
                    {
                        upstreamBefore = context.Issuer.Counts;
                        cpuBefore = running.CpuTicks();
                        runnerBefore = ProcFs.CpuTicks(Environment.ProcessId);
                    },
                    measuredEnded: () =>
                    {
                        cpuAfter = running.CpuTicks();
                        runnerAfter = ProcFs.CpuTicks(Environment.ProcessId);
                        upstreamAfter = context.Issuer.Counts;
                    });
            }
            catch (Exception ex)
            {
                Console.WriteLine($"  {system.Name}: FAILED under load: {ex}");
                return outcome with { Failure = $"the load failed: {ex.GetType().Name}: {ex.Message}" };
            }

            var exited = running.Processes.FirstOrDefault(p => p.HasExited);
            outcome = outcome with
            {
                Load = load,
                Processes = running.Processes.Count,
                ApiHosts = running.Endpoints.Count,
                NearCacheHits = system.NearCache is null ? null : await ApiHostMetrics.SumAsync(running.Endpoints, ApiHostMetrics.NearCacheHits),
                WindowUpstream = upstreamAfter - upstreamBefore,
                RunUpstream = context.Issuer.Counts - runStart,
                WindowCpu = Ticks(cpuAfter - cpuBefore),
                RunnerCpu = Ticks(runnerAfter - runnerBefore),
                PeakWorkingSetBytes = exited is null ? running.Processes.Sum(p => p.PeakWorkingSetBytes()) : 0,
                Failure = exited is null ? null : $"{exited.Name} exited during the run (log: {exited.LogPath})",
            };
            Console.WriteLine($"  {system.Name}: {load.RequestsPerSecond:N0} req/s, p50 {load.P50Ms:0.###} ms, p99 {load.P99Ms:0.###} ms, non-2xx {load.Non2xx}, errors {load.Errors}");
            return outcome;
        }
    }

    private static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds(ticks / (double)ProcFs.TicksPerSecond);
}
