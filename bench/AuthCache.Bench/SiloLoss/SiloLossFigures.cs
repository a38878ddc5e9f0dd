using System.Diagnostics;
using AuthCache.Bench.Load;

namespace AuthCache.Bench.SiloLoss;

/// <summary>The silo-loss window's figures, computed from the log of every request due in it.</summary>
public sealed record SiloLossFigures(
    long Sent,
    long Answered2xx,
    long AnsweredWithoutProfile,
    IReadOnlyDictionary<int, long> Non2xxByStatus,
    long TransportErrors,
    double P50Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    long OverOneSecond,
    long OverOneSecondOnTheWire,
    IReadOnlyList<LatencySlice> AroundTheKill,
    IReadOnlyList<long> AnsweredInLastSecondByApiHost)
{
    public static readonly TimeSpan SlowThreshold = TimeSpan.FromSeconds(1);

    public long Failed => TransportErrors + Non2xxByStatus.Values.Sum();

    public static SiloLossFigures From(SiloLossOutcome outcome)
    {
        var load = outcome.Load!;
        var log = load.RequestLog!;
        var killedAt = outcome.KilledAt;
        var second = Stopwatch.Frequency;
        var windowEnd = load.WindowOpenedAt + (long)(outcome.Window.TotalSeconds * second);
        var slow = (long)(SlowThreshold.TotalSeconds * second);
        var sorted = log.Select(r => r.LatencyTicks).Order().ToArray();

        return new SiloLossFigures(
            log.Count,
            log.LongCount(r => r.Succeeded),
            log.LongCount(r => r.Succeeded && r.WithoutProfile),
            log.Where(r => r.Status != RequestRecord.TransportError && !r.Succeeded).GroupBy(r => r.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.LongCount()),
            log.LongCount(r => r.Status == RequestRecord.TransportError),
            LoadGenerator.Percentile(sorted, 0.50),
            LoadGenerator.Percentile(sorted, 0.99),
            LoadGenerator.Percentile(sorted, 0.999),
            sorted.Length == 0 ? 0 : LoadGenerator.ToMs(sorted[^1]),
            log.LongCount(r => r.LatencyTicks > slow),
            log.LongCount(r => r.Ended - r.Sent > slow),
            [
                Slice("sent before the kill", log.Where(r => r.Start < killedAt)),
                Slice("in flight at the kill (sent before, answered after)", log.Where(r => r.Sent <= killedAt && r.Ended > killedAt)),
                Slice("sent in the first second after the kill", log.Where(r => r.Start >= killedAt && r.Start < killedAt + second)),
                Slice("sent 1-5 s after the kill", log.Where(r => r.Start >= killedAt + second && r.Start < killedAt + 5 * second)),
                Slice("sent from 5 s after the kill to the window's end", log.Where(r => r.Start >= killedAt + 5 * second)),
                Slice(
                    "sent after the membership table declared the silo dead",
                    outcome.DeclaredDeadAfter is { } dead ? log.Where(r => r.Start >= killedAt + (long)(dead.TotalSeconds * second)) : []),
            ],
            Enumerable.Range(0, outcome.ApiHosts)
                .Select(host => log.LongCount(r => r.Target == host && r.Succeeded && r.Start >= windowEnd - second))
                .ToArray());
    }

    private static LatencySlice Slice(string label, IEnumerable<RequestRecord> requests)
    {
        var list = requests.ToArray();
        var sorted = list.Select(r => r.LatencyTicks).Order().ToArray();
        return new LatencySlice(
            label,
            list.Length,
            list.LongCount(r => !r.Succeeded),
            LoadGenerator.Percentile(sorted, 0.99),
            sorted.Length == 0 ? 0 : LoadGenerator.ToMs(sorted[^1]));
    }
}
