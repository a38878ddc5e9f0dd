using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace AuthCache.Bench.Flood;

/// <summary>
/// The largest heap any collection of a process left behind while the watch ran (from each GC's GCHeapStats
/// event), and how many collections there were.
/// </summary>
public sealed class ManagedHeapWatch
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _processing;
    private long _peakBytes;
    private int _collections;

    internal ManagedHeapWatch(EventPipeSession session)
    {
        _session = session;
        _source = new EventPipeEventSource(session.EventStream);
        _source.Clr.GCHeapStats += e =>
        {
            _collections++;
            _peakBytes = Math.Max(_peakBytes, e.TotalHeapSize);
        };
        _processing = Task.Run(_source.Process);
    }

    /// <summary>Stops the session and returns the peak heap after a collection (0 if none ran) and the number of collections.</summary>
    public async Task<(long PeakBytes, int Collections)> StopAsync()
    {
        _session.Stop();
        await _processing;
        _source.Dispose();
        _session.Dispose();
        return (_peakBytes, _collections);
    }
}
