using AuthCache.Bench.Load;

namespace AuthCache.Bench.SiloLoss;

/// <summary>
/// The silo-loss phase: the fixed-rate all-hits load against the client-mode cluster, every request of the window
/// logged, one silo killed with SIGKILL a few seconds into it, and what the membership table made of it.
/// </summary>
public sealed record SiloLossOutcome(string System, int OfferedRate, int Connections, TimeSpan Warmup, TimeSpan Window, TimeSpan KillAfter)
{
    /// <summary>Set when the cluster cannot run here; not a harness failure.</summary>
    public string? Unavailable { get; init; }

    /// <summary>Set when starting or measuring went wrong: a harness failure.</summary>
    public string? Failure { get; init; }

    public bool? NearCache { get; init; }

    public int Silos { get; init; }

    public int ApiHosts { get; init; }

    /// <summary>The killed silo's process name and silo port.</summary>
    public string? Victim { get; init; }

    public int VictimSiloPort { get; init; }

    public LoadResult? Load { get; init; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of the SIGKILL; 0 if it was never sent.</summary>
    public long KilledAt { get; init; }

    /// <summary>Whether the victim's process was gone after the kill.</summary>
    public bool VictimExited { get; init; }

    /// <summary>Other processes of the cluster that exited during the phase (each a harness failure).</summary>
    public IReadOnlyList<string> OthersExited { get; init; } = [];

    /// <summary>From the kill until the membership table first showed the victim Dead; null if it did not within <see cref="MembershipWatched"/>.</summary>
    public TimeSpan? DeclaredDeadAfter { get; init; }

    /// <summary>How long after the kill the membership table was watched.</summary>
    public TimeSpan MembershipWatched { get; init; }

    /// <summary>Why the membership table could not be read, if it could not.</summary>
    public string? MembershipProblem { get; init; }

    /// <summary>Authentications the API hosts validated themselves (<c>authcache_fallbacks_total</c>) over warm-up and window; null if unreadable.</summary>
    public long? Fallbacks { get; init; }

    public bool Measured => Failure is null && Unavailable is null && Load?.RequestLog is not null && KilledAt != 0;
}
