using System.Diagnostics;

namespace AuthCache.Bench.Report;

/// <summary>
/// How often the machine itself takes a core away, measured before any system starts: one thread per core spins on
/// <see cref="Stopwatch"/> and counts the gaps in which it did not run. On an idle machine such a gap is the kernel's
/// own work or, in a virtual machine, the virtual CPU not running at all (which <c>/proc/stat</c> need not count as
/// steal). A fixed-rate p99 is the slowest 1% of requests, so a few gaps of milliseconds a second on a core set it:
/// reports of two runs compare only when their stalls are alike.
/// </summary>
public sealed record CpuStalls(TimeSpan Measured, int Threads, double LostShare, double Over1MsPerCoreSecond, double Over2MsPerCoreSecond, double Over5MsPerCoreSecond, double LongestMs)
{
    // A spinning thread reads the clock every few tens of nanoseconds; anything longer than this was not its own.
    private static readonly long GapTicks = Stopwatch.Frequency / 10_000;

    public static CpuStalls Measure(TimeSpan duration)
    {
        var threads = Environment.ProcessorCount;
        var gaps = new List<long>[threads];
        var spinners = Enumerable.Range(0, threads).Select(i => new Thread(() => gaps[i] = Spin(duration)) { IsBackground = true, Name = $"stall probe {i}" }).ToList();
        spinners.ForEach(t => t.Start());
        spinners.ForEach(t => t.Join());

        var all = gaps.SelectMany(g => g).Select(t => t * 1000.0 / Stopwatch.Frequency).ToList();
        var coreSeconds = threads * duration.TotalSeconds;
        return new CpuStalls(
            duration,
            threads,
            all.Sum() / 1000 / coreSeconds,
            all.Count(ms => ms > 1) / coreSeconds,
            all.Count(ms => ms > 2) / coreSeconds,
            all.Count(ms => ms > 5) / coreSeconds,
            all.Count == 0 ? 0 : all.Max());
    }

    private static List<long> Spin(TimeSpan duration)
    {
        var gaps = new List<long>();
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var previous = start;
        while (previous < end)
        {
            var now = Stopwatch.GetTimestamp();
            if (now - previous > GapTicks)
            {
                gaps.Add(now - previous);
            }

            previous = now;
        }

        return gaps;
    }
}
