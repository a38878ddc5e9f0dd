using System.Diagnostics;
using AuthCache.Bench.Flood;
using AuthCache.Bench.Issuer;
using AuthCache.Bench.Load;
using AuthCache.Bench.Memory;
using AuthCache.Bench.Micro;
using AuthCache.Bench.Report;
using AuthCache.Bench.Runs;
using AuthCache.Bench.SiloLoss;
using AuthCache.Bench.Storm;
using AuthCache.Bench.Systems;
using AuthCache.Bench.Tokens;

namespace AuthCache.Bench;

/// <summary>
/// The whole comparison: every system under the renewing workload, the all-hits workload (as fast as answered and
/// at a fixed rate), a silo killed under load, the forged-token flood, bytes per cached token, the microbenchmarks;
/// then the sanity checks, the report, and the exit code.
/// </summary>
public static class BenchRun
{
    public static async Task<int> RunAsync(BenchSettings settings, IReadOnlyList<string> args)
    {
        var layout = RepositoryLayout.Find();
        if (!string.Equals(layout.Configuration, "Release", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"The harness measures Release builds only (this runner is {layout.Configuration}): dotnet run -c Release --project bench/AuthCache.Bench");
            return 2;
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var runDirectory = Path.Combine(layout.BenchDirectory, ".runs", started.ToString("yyyyMMdd-HHmmss") + (settings.Quick ? "-quick" : ""));
        Directory.CreateDirectory(runDirectory);
        var machine = await MachineInfo.ReadAsync();
        var loadAtStart = MachineInfo.LoadAverage();
        Console.WriteLine($"AuthCache bench{(settings.Quick ? " --quick" : "")}: {machine.Cores} cores, {machine.CpuModel}, .NET {machine.DotnetVersion}; load average {loadAtStart}; logs in {runDirectory}");
        if (!settings.Quick && MachineInfo.OneMinuteLoad() >= 0.5)
        {
            Console.WriteLine("WARNING: the machine is not quiet (1-minute load average ≥ 0.5): the figures will say so in RESULTS.md.");
        }

        var stalls = CpuStalls.Measure(settings.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10));
        Console.WriteLine($"Cores taken away from a spinning thread before any system starts: {ResultsMarkdown.Describe(stalls)}");

        await using var issuer = await FakeClerkIssuer.StartAsync(settings.JwksLatency, settings.UserLatency);
        var context = new SystemContext(layout, issuer, runDirectory);
        var factory = new ClerkTokenFactory(issuer.Issuer, issuer.RsaKey);
        var plan = new LoadPlan(settings.Connections, settings.Warmup, settings.Duration, settings.ZipfExponent);

        Console.WriteLine($"Renewing workload: {settings.Users} users, {settings.TokenLifetime.TotalSeconds:0} s tokens");
        await using var renewing = new RenewingTokenPool(factory, settings.Users, settings.TokenLifetime, settings.RenewBefore);
        var renewingOutcomes = new List<SystemOutcome>();
        ISystemUnderTest[] renewingSystems = [new BaselineSystem(), new JwtBearerSystem(), new AuthCacheEmbeddedSystem(settings.NearCache), AuthCacheClusterSystem.Cluster(settings.NearCache), new AuthCacheCoHostedSystem(settings.NearCache), new JwtBearerSystem(instances: 2)];
        for (var round = 1; round <= settings.Rounds; round++)
        {
            foreach (var system in renewingSystems.Where(s => Selected(settings, s) && settings.Measures(Workload.Renewing) && (round == 1 || Rounds.RepeatsRenewing(s.Name))))
            {
                var outcome = await SystemMeasurement.MeasureAsync(system, Workload.Renewing, renewing, plan, context);
                renewingOutcomes.Add(outcome with { Round = round });
            }
        }

        Console.WriteLine($"All-hits workload: {settings.HitUsers} long-lived tokens");
        var hits = new FixedTokenPool(factory, settings.HitUsers, TimeSpan.FromHours(1));
        var hitOutcomes = new List<SystemOutcome>();
        ISystemUnderTest[] hitSystems = [new JwtBearerSystem(), new JwtBearerSystem(instances: 2), new AuthCacheEmbeddedSystem(settings.NearCache), .. ClusterRows(settings, AuthCacheClusterSystem.Cluster), .. ClusterRows(settings, AuthCacheClusterSystem.Client), new AuthCacheCoHostedSystem(settings.NearCache)];
        foreach (var system in hitSystems.Where(s => Selected(settings, s) && settings.Measures(Workload.AllHits)))
        {
            hitOutcomes.Add(await SystemMeasurement.MeasureAsync(system, Workload.AllHits, hits, plan, context));
        }

        Console.WriteLine($"All-hits workload at a fixed rate: {settings.FixedRate:N0} requests/s over {settings.Connections} connections");
        var fixedRateOutcomes = new List<SystemOutcome>();
        ISystemUnderTest[] fixedRateSystems = [new JwtBearerSystem(), new JwtBearerSystem(instances: 2), new JwtBearerSystem(instances: 2, idleSilos: true), new AuthCacheEmbeddedSystem(settings.NearCache), .. ClusterRows(settings, AuthCacheClusterSystem.Cluster), .. ClusterRows(settings, AuthCacheClusterSystem.Client), new AuthCacheCoHostedSystem(settings.NearCache)];
        for (var round = 1; round <= settings.Rounds; round++)
        {
            foreach (var system in fixedRateSystems.Where(s => Selected(settings, s) && settings.Measures(Workload.AllHitsAtFixedRate) && (round == 1 || Rounds.RepeatsFixedRate(s.Name))))
            {
                var outcome = await SystemMeasurement.MeasureAsync(system, Workload.AllHitsAtFixedRate, hits, plan with { OfferedRate = settings.FixedRate }, context);
                fixedRateOutcomes.Add(outcome with { Round = round });
            }
        }

        SiloLossOutcome? siloLoss = null;
        if (settings.Includes(SiloLossPhase.Name) && settings.Measures(Workload.AllHitsAtFixedRate))
        {
            Console.WriteLine($"A silo killed under load: authcache-cluster, all hits at {settings.FixedRate:N0} requests/s, a silo killed {settings.KillAfter.TotalSeconds:0} s into the window");
            siloLoss = await SiloLossPhase.RunAsync(settings, hits, context);
        }

        FloodOutcome? flood = null;
        if (settings.Includes(FloodPhase.Name) && settings.Measures(Workload.Renewing))
        {
            Console.WriteLine($"Forged-token flood: the renewing workload's users, {settings.FloodRate:N0} forged tokens/s");
            flood = await FloodPhase.RunAsync(settings, renewing, context);
        }

        IReadOnlyList<StormOutcome>? storm = null;
        // Beside the fixed-rate hit load, but a phase of its own: --fixed-rate-only leaves it out, as it leaves the flood.
        if (settings.Includes(StormPhase.Name) && settings.Measures(Workload.AllHitsAtFixedRate) && settings.Measures(Workload.Renewing))
        {
            Console.WriteLine($"Revocation storm: {settings.StormWebhooks:N0} signed session.ended webhooks over {settings.StormConnections} connections, beside the all-hits load at {settings.FixedRate:N0} requests/s");
            // The CI's --quick keeps to the embedded host, which takes under half a minute; selecting the phase runs both.
            storm = await StormPhase.RunAsync(settings, factory, hits, context, withCluster: !settings.Quick || settings.Systems.Count > 0);
        }

        TokenMemoryResult? memory = null;
        string? memoryFailure = null;
        if (settings.TokenMemory)
        {
            Console.WriteLine($"Bytes per cached token: {settings.MemoryTokens:N0} tokens in a silo of its own");
            try
            {
                memory = await TokenMemoryCommand.MeasureInChildAsync(settings.MemoryTokens, runDirectory);
            }
            catch (Exception ex)
            {
                memoryFailure = ex.Message;
            }
        }

        IReadOnlyList<MicroResult>? micro = null;
        string? microFailure = null;
        if (settings.Micro)
        {
            Console.WriteLine($"Microbenchmarks ({(settings.Quick ? "short job" : "default job")})");
            try
            {
                micro = await MicroBenchmarkCommand.MeasureInChildAsync(settings.Quick, runDirectory);
            }
            catch (Exception ex)
            {
                microFailure = ex.Message;
            }
        }

        var report = new BenchReport(
            settings,
            machine,
            "dotnet run -c Release --project bench/AuthCache.Bench --" + (args.Count == 0 ? "" : " " + string.Join(' ', args)),
            started,
            clock.Elapsed,
            loadAtStart,
            MachineInfo.LoadAverage(),
            stalls,
            renewingOutcomes,
            hitOutcomes,
            fixedRateOutcomes,
            siloLoss,
            flood,
            storm,
            memory,
            memoryFailure,
            micro,
            microFailure,
            renewing.Minted + settings.HitUsers);
        var problems = SanityChecks.Evaluate(report);
        var notesPath = Path.Combine(layout.BenchDirectory, "analysis-notes.md");
        var notes = File.Exists(notesPath) ? await File.ReadAllTextAsync(notesPath) : null;
        var markdown = ResultsMarkdown.Render(report, GoalVerdicts.Evaluate(report), ClusterGoalVerdicts.Evaluate(report), problems, notes);
        var output = settings.Output ?? (settings.IsWholeRun ? Path.Combine(layout.BenchDirectory, "RESULTS.md") : Path.Combine(runDirectory, "RESULTS.md"));
        await File.WriteAllTextAsync(output, markdown);

        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Report written to {output}");
        if (problems.Count > 0)
        {
            Console.WriteLine($"HARNESS FAILED: {problems.Count} problem(s):");
            foreach (var problem in problems)
            {
                Console.WriteLine("  - " + problem);
            }

            return 1;
        }

        Console.WriteLine("Harness OK: every system completed with sane figures.");
        return 0;
    }

    /// <summary>
    /// "jwtbearer" in <c>--systems</c> selects its two-process comparison too, "authcache-cluster" the two beside
    /// the cluster's idle silos, and a cluster system its rows with TLS.
    /// </summary>
    private static bool Selected(BenchSettings settings, ISystemUnderTest system) => system.Name == SystemNames.TwoJwtBearerBesideIdleSilos
        ? settings.Includes(SystemNames.Cluster)
        : settings.Includes(SystemNames.WithoutTls(system.Name).Replace("2 × ", ""));

    /// <summary>A client-mode cluster's rows as <c>--tls</c> asks: without TLS, with it, or both, one after the other in each round.</summary>
    private static IEnumerable<ISystemUnderTest> ClusterRows(BenchSettings settings, Func<bool, bool, AuthCacheClusterSystem> system) => settings.Tls switch
    {
        ClusterTls.Off => [system(settings.NearCache, false)],
        ClusterTls.On => [system(settings.NearCache, true)],
        _ => [system(settings.NearCache, false), system(settings.NearCache, true)],
    };
}
