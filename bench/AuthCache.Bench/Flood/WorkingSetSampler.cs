namespace AuthCache.Bench.Flood;

/// <summary>
/// Polls a process's resident set every 100 ms while it runs: the peak of a phase, which VmHWM (the peak since
/// the process started) cannot tell apart from earlier phases.
/// </summary>
public sealed class WorkingSetSampler
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task<long> _sampling;

    public WorkingSetSampler(Func<long> read) => _sampling = SampleAsync(read, _stop.Token);

    /// <summary>Stops sampling and returns the largest resident set seen, in bytes.</summary>
    public async Task<long> StopAsync()
    {
        await _stop.CancelAsync();
        var peak = await _sampling;
        _stop.Dispose();
        return peak;
    }

    private static async Task<long> SampleAsync(Func<long> read, CancellationToken stop)
    {
        var peak = read();
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                peak = Math.Max(peak, read());
            }
        }
        catch (OperationCanceledException)
        {
        }

        return Math.Max(peak, read());
    }
}
