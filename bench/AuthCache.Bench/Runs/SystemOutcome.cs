using AuthCache.Bench.Issuer;
using AuthCache.Bench.Load;

namespace AuthCache.Bench.Runs;

/// <summary>One system under one workload: its figures, or why it was skipped or failed.</summary>
public sealed record SystemOutcome(string System, string Description, Workload Workload)
{
    /// <summary>Which round of a repeated workload this is (the renewing and fixed-rate runs repeat the systems their goals compare).</summary>
    public int Round { get; init; } = 1;

    /// <summary>Set when the system cannot run here; not a harness failure.</summary>
    public string? Unavailable { get; init; }

    /// <summary>Set when starting or measuring the system went wrong: a harness failure.</summary>
    public string? Failure { get; init; }

    public LoadResult? Load { get; init; }

    public int Processes { get; init; }

    /// <summary>The API hosts (HTTP endpoints) the load was split over.</summary>
    public int ApiHosts { get; init; }

    /// <summary>The <c>AuthCache:NearCache:Enabled</c> the system ran with; null for a system without AuthCache.</summary>
    public bool? NearCache { get; init; }

    /// <summary>Requests its API hosts answered from their near cache over the whole run (warm-up included); null if not read.</summary>
    public long? NearCacheHits { get; init; }

    /// <summary>Upstream calls during the measured window.</summary>
    public UpstreamCounts WindowUpstream { get; init; }

    /// <summary>Upstream calls from the system's start to the end of its run.</summary>
    public UpstreamCounts RunUpstream { get; init; }

    /// <summary>CPU of the system's processes (utime + stime) during the measured window.</summary>
    public TimeSpan WindowCpu { get; init; }

    /// <summary>CPU of this runner (load generator and issuer) during the same window, for context.</summary>
    public TimeSpan RunnerCpu { get; init; }

    /// <summary>Sum of the processes' peak resident sets (VmHWM).</summary>
    public long PeakWorkingSetBytes { get; init; }

    public bool Measured => Load is not null && Failure is null;

    public double CpuSecondsPer1kRequests => Load is { Requests: > 0 } load ? WindowCpu.TotalSeconds / (load.Requests / 1000.0) : double.NaN;

    /// <summary>The share of all requests sent in the run that a near cache answered.</summary>
    public double NearCacheShare => Load is { SentInRun: > 0 } load && NearCacheHits is { } hits ? hits / (double)load.SentInRun : double.NaN;

    public double UpstreamPer1kRequests => Load is { Requests: > 0 } load ? WindowUpstream.Total / (load.Requests / 1000.0) : double.NaN;
}
