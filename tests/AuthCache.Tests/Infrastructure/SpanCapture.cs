using System.Collections.Concurrent;
using System.Diagnostics;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// A real <see cref="ActivityListener"/> that records every finished span of the given sources. Other tests of the
/// process make spans at the same time: read only those of your own trace (<see cref="Of"/>).
/// </summary>
public sealed class SpanCapture : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public SpanCapture(params string[] sourceNames)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sourceNames.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>A new sampled trace, as a caller outside the process starts it, and its W3C <c>traceparent</c> header value.</summary>
    public static (ActivityContext Caller, string TraceParent) NewTrace()
    {
        var caller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        return (caller, $"00-{caller.TraceId.ToHexString()}-{caller.SpanId.ToHexString()}-01");
    }

    /// <summary>The finished spans of one trace.</summary>
    public IReadOnlyList<Activity> Of(ActivityTraceId traceId) => _stopped.Where(a => a.TraceId == traceId).ToArray();

    public void Dispose() => _listener.Dispose();
}
