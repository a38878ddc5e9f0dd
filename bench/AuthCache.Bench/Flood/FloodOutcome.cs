using AuthCache.Bench.Load;

namespace AuthCache.Bench.Flood;

/// <summary>
/// The flood phase: the valid load measured without and then during the flood, what the flood sent and got,
/// and the API host's memory and caches before, during and after it.
/// </summary>
public sealed record FloodOutcome(string System, int FloodRate, int FloodConnections, TimeSpan LeadIn, TimeSpan Settle)
{
    /// <summary>Set when starting or measuring went wrong: a harness failure.</summary>
    public string? Failure { get; init; }

    public int ForgedTokensSigned { get; init; }

    public TimeSpan SigningTime { get; init; }

    /// <summary>The valid load without the flood.</summary>
    public LoadResult? Quiet { get; init; }

    /// <summary>The same valid load while the flood runs.</summary>
    public LoadResult? Flooded { get; init; }

    /// <summary>CPU of the API host (utime + stime) in each measured window.</summary>
    public TimeSpan QuietCpu { get; init; }

    public TimeSpan FloodedCpu { get; init; }

    public FloodResult? Flood { get; init; }

    /// <summary>After the quiet window, right before the flood.</summary>
    public HostSnapshot? Before { get; init; }

    /// <summary>After the flood and the settle period.</summary>
    public HostSnapshot? After { get; init; }

    /// <summary>The largest resident set sampled while the flood ran.</summary>
    public long PeakWorkingSetDuringBytes { get; init; }

    /// <summary>The largest heap a collection left while the flood ran, and how many collections there were.</summary>
    public long PeakHeapDuringBytes { get; init; }

    public int CollectionsDuring { get; init; }

    /// <summary>The host's peak resident set over its whole life: VmHWM at the end, or a sampled VmRSS if higher (the kernel updates VmHWM lazily).</summary>
    public long PeakWorkingSetOfRunBytes { get; init; }

    public bool Measured => Failure is null && Quiet is not null && Flooded is not null && Flood is not null;

    public double P99Ratio => Quiet is { P99Ms: > 0 } quiet && Flooded is { } flooded ? flooded.P99Ms / quiet.P99Ms : double.NaN;

    public double RequestsPerSecondRatio => Quiet is { Requests: > 0 } quiet && Flooded is { } flooded ? flooded.RequestsPerSecond / quiet.RequestsPerSecond : double.NaN;
}
