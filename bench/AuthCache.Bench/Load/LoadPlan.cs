namespace AuthCache.Bench.Load;

/// <summary>How hard and how long: concurrent connections, warm-up, then the measured window.</summary>
public sealed record LoadPlan(int Connections, TimeSpan Warmup, TimeSpan Measured, double ZipfExponent);
