using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace AuthCache.Bench.Flood;

/// <summary>
/// The managed heap of another .NET process, read as dotnet-gcdump and dotnet-trace read it: an EventPipe session
/// over the runtime's diagnostics port, its GC events parsed by TraceEvent. No change to the process is needed.
/// </summary>
public static class ManagedHeap
{
    /// <summary>
    /// Induces a full blocking collection in <paramref name="pid"/> (the runtime does so when a session asks for
    /// <c>GCHeapCollect</c>) and returns the heap it left: what is really alive. Null if no such collection was seen in time.
    /// </summary>
    public static async Task<long?> AfterFullCollectionAsync(int pid, TimeSpan timeout)
    {
        using var session = Start(pid, ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var source = new EventPipeEventSource(session.EventStream);
        long? heap = null;
        var induced = false;
        var stopped = 0;
        void StopOnce()
        {
            if (Interlocked.Exchange(ref stopped, 1) == 0)
            {
                session.Stop();
            }
        }

        source.Clr.GCStart += e => induced |= e.Reason == GCReason.Induced && e.Depth == 2;
        source.Clr.GCHeapStats += e =>
        {
            if (induced && heap is null)
            {
                heap = e.TotalHeapSize;
                StopOnce();
            }
        };

        var processing = Task.Run(source.Process);
        if (await Task.WhenAny(processing, Task.Delay(timeout)) != processing)
        {
            StopOnce();
        }

        await processing;
        return heap;
    }

    /// <summary>Follows every collection of <paramref name="pid"/> from now until the watch is stopped.</summary>
    public static ManagedHeapWatch Watch(int pid) => new(Start(pid, ClrTraceEventParser.Keywords.GC));

    private static EventPipeSession Start(int pid, ClrTraceEventParser.Keywords keywords) =>
        new DiagnosticsClient(pid).StartEventPipeSession(
            new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, (long)keywords),
            requestRundown: false,
            circularBufferMB: 16);
}
