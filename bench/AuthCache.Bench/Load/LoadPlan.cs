namespace AuthCache.Bench.Load;

/// <summary>
/// How hard and how long: concurrent connections, warm-up, then the measured window. Without
/// <paramref name="OfferedRate"/> every connection sends its next request as soon as the last is answered (the
/// machine saturates); with it the connections together send that many requests per second on a fixed schedule, and
/// a request sent late because the previous answer was late counts from when it was due.
/// </summary>
public sealed record LoadPlan(int Connections, TimeSpan Warmup, TimeSpan Measured, double ZipfExponent, double? OfferedRate = null);
