namespace AuthCache.Bench.SiloLoss;

/// <summary>The requests of one stretch of time around the kill: how many, how many failed, and their tail.</summary>
public sealed record LatencySlice(string Label, long Requests, long Failed, double P99Ms, double MaxMs);
