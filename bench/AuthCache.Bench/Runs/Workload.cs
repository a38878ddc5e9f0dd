namespace AuthCache.Bench.Runs;

public enum Workload
{
    /// <summary>U users with 60 s tokens renewed like Clerk's, Zipf(1.0) popularity: hits, renewals' misses and cold users.</summary>
    Renewing,

    /// <summary>A few long-lived tokens, warmed before the window: every measured request is a cache hit.</summary>
    AllHits,

    /// <summary>
    /// <see cref="AllHits"/> at a fixed offered rate well below saturation, so the latency is the hit's own and not the
    /// queue of a saturated machine.
    /// </summary>
    AllHitsAtFixedRate,
}
