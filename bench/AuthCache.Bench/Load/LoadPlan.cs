namespace AuthCache.Bench.Load;

/// <summary>
/// How hard and how long: concurrent connections, warm-up, then the measured window. Without
/// <paramref name="OfferedRate"/> every connection sends its next request as soon as the last is answered (the
/// machine saturates); with it the connections together send that many requests per second on a fixed schedule, and
/// a request sent late because the previous answer was late counts from when it was due.
/// </summary>
/// <param name="RecordEveryRequest">
/// Keep a <see cref="RequestRecord"/> of every request due in the window, failed or slow or answered after the window
/// closed, and send every request due in it even if its sender fell behind (for tails: p99.9 and max need them all).
/// </param>
public sealed record LoadPlan(int Connections, TimeSpan Warmup, TimeSpan Measured, double ZipfExponent, double? OfferedRate = null, bool RecordEveryRequest = false);
