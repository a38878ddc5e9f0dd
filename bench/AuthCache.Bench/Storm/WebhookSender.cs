using System.Diagnostics;
using AuthCache.Bench.Load;

namespace AuthCache.Bench.Storm;

/// <summary>
/// Sends one signed <c>session.ended</c> webhook per session of a <see cref="RevocationBatch"/> to one host, over
/// connections of its own: as fast as answered, or paced (webhook k due k / rate seconds after the start; a sender
/// that falls behind sends at once and its latency counts from when the webhook was due), until every webhook is
/// sent or the time limit passes.
/// </summary>
public static class WebhookSender
{
    public static async Task<WebhookResult> RunAsync(
        ClerkWebhookSigner signer,
        RevocationBatch batch,
        Uri host,
        int connections,
        double? rate,
        TimeSpan timeLimit)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        using var limit = new CancellationTokenSource(timeLimit);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var senders = Enumerable.Range(0, connections).Select(_ => new Sender(http, signer, batch, host, rate, started, () => Interlocked.Increment(ref next), limit.Token)).ToArray();
        await Task.WhenAll(senders.Select(s => Task.Run(s.RunAsync)));
        var elapsed = Stopwatch.GetElapsedTime(started);

        var latencies = senders.SelectMany(s => s.Latencies).ToArray();
        Array.Sort(latencies);
        var sent = senders.Sum(s => s.Sent);
        return new WebhookResult(
            batch.Count,
            sent,
            senders.Sum(s => s.Revoked),
            senders.SelectMany(s => s.ByStatus).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value)),
            senders.Sum(s => s.Errors),
            senders.Select(s => s.FirstError).FirstOrDefault(e => e is not null),
            elapsed,
            LoadGenerator.Percentile(latencies, 0.50),
            LoadGenerator.Percentile(latencies, 0.99),
            latencies.Length == 0 ? 0 : LoadGenerator.ToMs(latencies[^1]),
            sent < batch.Count,
            rate,
            senders.SelectMany(s => s.RevokedSessions).ToHashSet());
    }

    private sealed class Sender(HttpClient http, ClerkWebhookSigner signer, RevocationBatch batch, Uri host, double? rate, long started, Func<int> take, CancellationToken limit)
    {
        private static readonly byte[] RevokedStatus = "\"status\":\"revoked\""u8.ToArray();

        public List<long> Latencies { get; } = [];

        public Dictionary<int, long> ByStatus { get; } = [];

        public long Sent { get; private set; }

        public long Revoked => RevokedSessions.Count;

        public HashSet<int> RevokedSessions { get; } = [];

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public async Task RunAsync()
        {
            for (var session = take(); session < batch.Count && !limit.IsCancellationRequested; session = take())
            {
                var start = Stopwatch.GetTimestamp();
                if (rate is { } perSecond)
                {
                    var due = started + (long)(session / perSecond * Stopwatch.Frequency);
                    var wait = Stopwatch.GetElapsedTime(start, due);
                    if (wait > TimeSpan.Zero)
                    {
                        try
                        {
                            await Task.Delay(wait, limit);
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }

                        start = Stopwatch.GetTimestamp();
                    }
                    else
                    {
                        start = due;
                    }
                }

                await SendAsync(session, start);
            }
        }

        private async Task SendAsync(int session, long start)
        {
            using var request = signer.Delivery(host, ClerkWebhookSigner.SessionEnded(batch.SessionId(session), batch.UserId));
            Sent++;
            try
            {
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                Latencies.Add(Stopwatch.GetTimestamp() - start);
                var status = (int)response.StatusCode;
                ByStatus[status] = ByStatus.GetValueOrDefault(status) + 1;
                if (response.IsSuccessStatusCode && body.AsSpan().IndexOf(RevokedStatus) >= 0)
                {
                    RevokedSessions.Add(session);
                }
                else
                {
                    FirstError ??= $"HTTP {status}: {System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)])}";
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                Errors++;
                FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
            }
        }
    }
}
