namespace AuthCache.Core.Options;

/// <summary>The Orleans Dashboard on silos and web hosts, bound from <c>AuthCache:Dashboard</c>.</summary>
public sealed class AuthCacheDashboardOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "AuthCache:Dashboard";

    /// <summary>
    /// Off: no dashboard services on the silo, no call filter, no <c>/dashboard</c> route (zero cost). Must be
    /// the same on every silo of a cluster.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Hides the dashboard's live log stream (<c>/dashboard/Trace</c>).</summary>
    public bool HideTrace { get; set; } = true;

    /// <summary>
    /// Profile grain calls all the time. Off (the default), the profiler runs only while someone has the
    /// dashboard open and for a minute after, so its cost is paid only while it is watched.
    /// </summary>
    public bool TraceAlways { get; set; }
}
