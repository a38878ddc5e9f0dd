using System.Collections.Concurrent;
using System.Diagnostics;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>
/// Valid tokens sent round-robin through every API host by a few concurrent callers until stopped, every
/// answer recorded with how long it took, as real traffic would keep arriving during a failure.
/// </summary>
public sealed class RequestStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _callers;

    public RequestStream(IReadOnlyList<NodeProcess> apiHosts, IReadOnlyList<string> tokens, int callers = 4)
    {
        _callers = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            for (var i = c; !_stop.IsCancellationRequested; i += callers)
            {
                var token = tokens[i % tokens.Count];
                var host = apiHosts[(i / tokens.Count + i) % apiHosts.Count];
                var sent = DateTime.UtcNow;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var answer = await MeResponse.GetAsync(host, token, _stop.Token);
                    Answers.Add(new StreamAnswer(sent, token, answer, Stopwatch.GetElapsedTime(started)));
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        })).ToArray();
    }

    public ConcurrentBag<StreamAnswer> Answers { get; } = [];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_callers);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}

public sealed record StreamAnswer(DateTime Sent, string Token, MeResponse Answer, TimeSpan Took);
