namespace AuthCache.Bench.Load;

/// <summary>
/// One request of a measured window, in <see cref="System.Diagnostics.Stopwatch"/> timestamps: <see cref="Start"/>
/// is where its latency counts from (when it was due if its sender was behind schedule, else when it was sent),
/// <see cref="Sent"/> when it actually went out, <see cref="Ended"/> when its answer (or its failure) came back.
/// </summary>
/// <param name="Status">The HTTP status, or <see cref="TransportError"/> when no answer came (connection refused or reset, time-out).</param>
/// <param name="Target">Index of the endpoint (API host) it was sent to.</param>
/// <param name="WithoutProfile">A 2xx naming the caller but carrying no profile (a degraded answer).</param>
public readonly record struct RequestRecord(long Start, long Sent, long Ended, int Status, int Target, bool WithoutProfile)
{
    public const int TransportError = 0;

    public bool Succeeded => Status is >= 200 and < 300;

    public long LatencyTicks => Ended - Start;
}
