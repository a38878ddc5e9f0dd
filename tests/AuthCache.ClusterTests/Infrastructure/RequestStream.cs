using System.Collections.Concurrent;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>
/// Valid tokens sent round-robin through every API host by a few concurrent callers until stopped, every
/// answer recorded, as real traffic would keep arriving during a failure.
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
                try
                {
                    Answers.Add((sent, token, await MeResponse.GetAsync(host, token, _stop.Token)));
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        })).ToArray();
    }

    public ConcurrentBag<(DateTime Sent, string Token, MeResponse Answer)> Answers { get; } = [];

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
