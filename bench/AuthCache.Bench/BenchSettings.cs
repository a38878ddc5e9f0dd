using System.Globalization;
using AuthCache.Bench.Flood;
using AuthCache.Bench.Runs;
using AuthCache.Bench.SiloLoss;
using AuthCache.Bench.Storm;

namespace AuthCache.Bench;

/// <summary>The knobs of one run, from the command line; <c>--quick</c> shortens everything so CI can prove the harness works.</summary>
public sealed record BenchSettings
{
    public bool Quick { get; init; }

    public int Users { get; init; } = 1_000;

    public int Connections { get; init; } = 64;

    public double ZipfExponent { get; init; } = 1.0;

    /// <summary>
    /// Long enough for the slowest system to be warm: the cluster's five processes share two cores and were still
    /// JIT-compiling thousands of methods per 10 s until about 35 s after start, which a single process is not.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(40);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan JwksLatency { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan UserLatency { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Clerk's SDKs fetch a new session token shortly before the current one expires.</summary>
    public TimeSpan RenewBefore { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Users (one long-lived token each) of the every-request-a-hit workload.</summary>
    public int HitUsers { get; init; } = 64;

    public int MemoryTokens { get; init; } = 100_000;

    /// <summary>Requests per second of the all-hits run at a fixed rate (all connections together).</summary>
    public int FixedRate { get; init; } = 1_000;

    /// <summary>
    /// Rounds of the renewing run (2 × jwtbearer, authcache-cluster) and of the fixed-rate run (jwtbearer, 2 × jwtbearer
    /// alone and beside idle silos, authcache-cluster, authcache-client), taken in turn, so a figure that one noisy
    /// window moves as much as a goal's margin is read as the median of the rounds.
    /// </summary>
    public int Rounds { get; init; } = 3;

    /// <summary>The <c>AuthCache:NearCache:Enabled</c> given to every AuthCache process.</summary>
    public bool NearCache { get; init; } = true;

    /// <summary>How far into the silo-loss window one silo of the cluster is killed.</summary>
    public TimeSpan KillAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The silo-loss window: the measured duration, but at least 6 s past the kill so the seconds after it are seen.</summary>
    public TimeSpan SiloLossWindow => Duration > KillAfter + TimeSpan.FromSeconds(6) ? Duration : KillAfter + TimeSpan.FromSeconds(6);

    /// <summary>Whether bytes per cached token is measured (off with <c>--flood-only</c> and <c>--silo-loss-only</c>).</summary>
    public bool TokenMemory { get; init; } = true;

    public bool Micro { get; init; } = true;

    /// <summary>Forged tokens per second the flood sends while the valid load is measured (issue 6).</summary>
    public int FloodRate { get; init; } = 1_000;

    /// <summary>The flood's own connections, apart from the valid load's; as many, so a busy host gives it an equal share.</summary>
    public int FloodConnections { get; init; } = 64;

    /// <summary>
    /// TLS of <c>authcache-cluster</c> and <c>authcache-client</c> in the all-hits and fixed-rate runs: off, on (named
    /// <c>… + tls</c>), or both side by side in the same rounds.
    /// </summary>
    public ClusterTls Tls { get; init; } = ClusterTls.Off;

    /// <summary>Signed <c>session.ended</c> webhooks of the revocation storm, sent as fast as answered.</summary>
    public int StormWebhooks { get; init; } = 20_000;

    /// <summary>The storm's own connections, apart from the hit load's.</summary>
    public int StormConnections { get; init; } = 16;

    /// <summary>Webhooks per second of the storm's paced run (for the revoke latency at an ordinary rate); it lasts the measured duration.</summary>
    public int StormPacedRate { get; init; } = 200;

    /// <summary>The longest a burst of webhooks may take; what is not sent by then is reported as not sent.</summary>
    public TimeSpan StormTimeLimit { get; init; } = TimeSpan.FromSeconds(240);

    /// <summary>Revocations sent through one client-mode host while the other is frozen.</summary>
    public int AwayRevocations { get; init; } = 10_000;

    /// <summary>The workloads measured for the selected systems: all, or with <c>--fixed-rate-only</c> only the fixed-rate one.</summary>
    public IReadOnlyList<Workload> Workloads { get; init; } = Enum.GetValues<Workload>();

    /// <summary>Only these systems (by name), or all when empty.</summary>
    public IReadOnlyList<string> Systems { get; init; } = [];

    /// <summary>Where the report goes; by default bench/RESULTS.md for the whole run, the run's folder otherwise.</summary>
    public string? Output { get; init; }

    /// <summary>
    /// Whether the run measures everything bench/RESULTS.md reports. Only such a run writes it: the file is written
    /// whole, and a run of one phase or a few systems would replace every other table with an empty one.
    /// </summary>
    public bool IsWholeRun => !Quick && Systems.Count == 0 && TokenMemory && Micro;

    public static readonly string Usage = """
        Usage: dotnet run -c Release --project bench/AuthCache.Bench -- [options]
          --quick                 every system for a few seconds, short microbenchmarks, small memory run;
                                  asserts the figures are sane and exits non-zero otherwise (for CI)
          --users N               simulated users (1000)            --connections N    concurrent connections (64)
          --warmup S              warm-up seconds (40)              --duration S       measured seconds (30)
          --jwks-latency MS       issuer key latency (100)          --user-latency MS  user API latency (50)
          --token-lifetime S      session token lifetime (60)       --renew-before S   renewal before expiry (10)
          --hit-users N           tokens of the all-hits run (64)   --memory-tokens N  tokens cached for bytes/token (100000)
          --zipf S                popularity exponent (1.0)         --no-micro         skip the microbenchmarks
          --no-near-cache         AuthCache:NearCache:Enabled=false in every AuthCache process (default: true)
          --fixed-rate N          requests/s of the all-hits run at a fixed rate, and of the silo-loss phase (1000)
          --rounds N              rounds, taken in turn, of the renewing run for 2 × jwtbearer and authcache-cluster
                                  and of the fixed-rate run for jwtbearer, 2 × jwtbearer (alone and beside idle silos),
                                  authcache-cluster and authcache-client; the cluster goals read their median (3; 1 with --quick)
          --kill-after S          silo-loss phase: seconds into its window when a silo is killed (5)
          --flood-rate N          forged tokens/s of the flood (1000)
          --flood-connections N   the flood's own connections (64)
          --systems a,b           only these systems (baseline, jwtbearer, authcache-embedded, authcache-cluster (at the
                                  fixed rate with 2 × jwtbearer beside idle silos), authcache-client, authcache-cohosted)
                                  and phases (flood: the forged-token flood against authcache-embedded; silo-loss: a
                                  silo of authcache-cluster killed under load; revocation-storm: signed webhooks
                                  against authcache-embedded on redis and authcache-cluster beside the hit load)
          --flood-only            only the flood phase: no other system, no bytes/token, no microbenchmarks
          --silo-loss-only        only the silo-loss phase: no other system, no bytes/token, no microbenchmarks
          --fixed-rate-only       only the all-hits runs at a fixed rate (with --systems, of those systems) and the
                                  silo-loss phase, which runs at that rate: no bytes/token, no microbenchmarks
          --tls off|on|both       the all-hits and fixed-rate rows of authcache-cluster and authcache-client without
                                  mutual TLS on their Orleans connections, with it (rows named "… + tls"), or both side
                                  by side in the same rounds (off)
          --storm-webhooks N      revocation storm: signed session.ended webhooks sent at full speed (20000)
          --storm-connections N   the storm's own connections (16)
          --storm-paced-rate N    webhooks/s of the storm's paced run, which lasts --duration (200)
          --storm-time-limit S    the longest one burst of webhooks may take (240)
          --away-revocations N    revocations sent while a client-mode host is frozen (10000)
          --storm-only            only the revocation storm: no other system, no bytes/token, no microbenchmarks
          --out PATH              report path (default bench/RESULTS.md for the whole run, else the run's folder in bench/.runs/)
        """;

    public static BenchSettings Parse(IReadOnlyList<string> args)
    {
        var quick = args.Contains("--quick");
        var settings = quick
            ? new BenchSettings { Quick = true, Rounds = 1, Warmup = TimeSpan.FromSeconds(2), Duration = TimeSpan.FromSeconds(3), MemoryTokens = 5_000, KillAfter = TimeSpan.FromSeconds(2), StormWebhooks = 500, AwayRevocations = 200, StormTimeLimit = TimeSpan.FromSeconds(30) }
            : new BenchSettings();

        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Double() => double.Parse(Next(), CultureInfo.InvariantCulture);
            settings = args[i] switch
            {
                "--quick" => settings,
                "--users" => settings with { Users = Int() },
                "--connections" => settings with { Connections = Int() },
                "--warmup" => settings with { Warmup = TimeSpan.FromSeconds(Double()) },
                "--duration" => settings with { Duration = TimeSpan.FromSeconds(Double()) },
                "--jwks-latency" => settings with { JwksLatency = TimeSpan.FromMilliseconds(Double()) },
                "--user-latency" => settings with { UserLatency = TimeSpan.FromMilliseconds(Double()) },
                "--token-lifetime" => settings with { TokenLifetime = TimeSpan.FromSeconds(Double()) },
                "--renew-before" => settings with { RenewBefore = TimeSpan.FromSeconds(Double()) },
                "--hit-users" => settings with { HitUsers = Int() },
                "--memory-tokens" => settings with { MemoryTokens = Int() },
                "--zipf" => settings with { ZipfExponent = Double() },
                "--no-micro" => settings with { Micro = false },
                "--no-near-cache" => settings with { NearCache = false },
                "--fixed-rate" => settings with { FixedRate = Int() },
                "--rounds" => settings with { Rounds = Int() },
                "--flood-rate" => settings with { FloodRate = Int() },
                "--flood-connections" => settings with { FloodConnections = Int() },
                "--kill-after" => settings with { KillAfter = TimeSpan.FromSeconds(Double()) },
                "--tls" => settings with
                {
                    Tls = Next() switch
                    {
                        "off" => ClusterTls.Off,
                        "on" => ClusterTls.On,
                        "both" => ClusterTls.Both,
                        var other => throw new ArgumentException($"--tls takes off, on or both, not {other}."),
                    },
                },
                "--storm-webhooks" => settings with { StormWebhooks = Int() },
                "--storm-connections" => settings with { StormConnections = Int() },
                "--storm-paced-rate" => settings with { StormPacedRate = Int() },
                "--storm-time-limit" => settings with { StormTimeLimit = TimeSpan.FromSeconds(Double()) },
                "--away-revocations" => settings with { AwayRevocations = Int() },
                "--storm-only" => settings with { Systems = [StormPhase.Name], TokenMemory = false, Micro = false },
                "--flood-only" => settings with { Systems = [FloodPhase.Name], TokenMemory = false, Micro = false },
                "--silo-loss-only" => settings with { Systems = [SiloLossPhase.Name], TokenMemory = false, Micro = false },
                "--fixed-rate-only" => settings with { Workloads = [Workload.AllHitsAtFixedRate], TokenMemory = false, Micro = false },
                "--systems" => settings with { Systems = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--out" => settings with { Output = Next() },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        if (settings.Users < 1 || settings.Connections < 1 || settings.HitUsers < 1 || settings.MemoryTokens < 1 || settings.Duration <= TimeSpan.Zero
            || settings.FloodRate < 1 || settings.FloodConnections < 1 || settings.FixedRate < 1 || settings.Rounds < 1 || settings.KillAfter <= TimeSpan.Zero
            || settings.StormWebhooks < StormPhase.ProbesPerBatch || settings.StormConnections < 1 || settings.StormPacedRate < 1 || settings.StormTimeLimit <= TimeSpan.Zero || settings.AwayRevocations < StormPhase.ProbesPerBatch
            || settings.RenewBefore >= settings.TokenLifetime)
        {
            throw new ArgumentException("Counts and durations must be positive, and --renew-before shorter than --token-lifetime.");
        }

        return settings;
    }

    public bool Includes(string system) => Systems.Count == 0 || Systems.Contains(system, StringComparer.OrdinalIgnoreCase);

    public bool Measures(Workload workload) => Workloads.Contains(workload);
}
