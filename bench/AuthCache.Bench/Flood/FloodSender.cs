using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace AuthCache.Bench.Flood;

/// <summary>
/// Sends each forged token of a pool once to <c>GET /api/v1/me</c> over connections of its own, paced to a fixed
/// rate (token k is due k / rate seconds after the start; a sender that falls behind sends at once until it
/// catches up), until the pool is empty or it is told to stop. Counts every answer by status.
/// </summary>
public static class FloodSender
{
    private const string Path = "/api/v1/me";

    public static async Task<FloodResult> RunAsync(ForgedTokenPool pool, Uri target, int connections, int rate, IPAddress? localAddress, CancellationToken stop)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        if (localAddress is not null)
        {
            handler.ConnectCallback = LoopbackAlias.BindTo(localAddress);
        }

        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var url = new Uri(target, Path);
        var started = Stopwatch.GetTimestamp();
        var senders = Enumerable.Range(0, connections).Select(_ => new Sender(http, url, pool, started, rate, stop)).ToArray();
        await Task.WhenAll(senders.Select(s => Task.Run(s.RunAsync)));
        var elapsed = Stopwatch.GetElapsedTime(started);

        var latencies = senders.SelectMany(s => s.Latencies).ToArray();
        Array.Sort(latencies);
        return new FloodResult(
            senders.Sum(s => s.Sent),
            elapsed,
            Sum(senders.Select(s => s.ByStatus)),
            Sum(senders.Select(s => s.Reasons)),
            senders.Sum(s => s.Errors),
            senders.Select(s => s.FirstError).FirstOrDefault(e => e is not null),
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            (localAddress ?? IPAddress.Loopback).ToString());
    }

    private static Dictionary<TKey, long> Sum<TKey>(IEnumerable<Dictionary<TKey, long>> counts)
        where TKey : notnull =>
        counts.SelectMany(c => c).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));

    private static double Percentile(long[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;

    private sealed class Sender(HttpClient http, Uri url, ForgedTokenPool pool, long started, int rate, CancellationToken stop)
    {
        public List<long> Latencies { get; } = [];

        public Dictionary<int, long> ByStatus { get; } = [];

        /// <summary>The reason codes of the 401 answers (<c>error_description</c> of <c>WWW-Authenticate</c>).</summary>
        public Dictionary<string, long> Reasons { get; } = [];

        public long Sent { get; private set; }

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public async Task RunAsync()
        {
            while (!stop.IsCancellationRequested && pool.TryTake(out var index, out var token))
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), started + index * Stopwatch.Frequency / rate);
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                await SendAsync(token);
            }
        }

        private async Task SendAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Sent++;
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                Latencies.Add(Stopwatch.GetTimestamp() - sent);
                var status = (int)response.StatusCode;
                ByStatus[status] = ByStatus.GetValueOrDefault(status) + 1;
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    var reason = ReasonOf(response.Headers.WwwAuthenticate);
                    Reasons[reason] = Reasons.GetValueOrDefault(reason) + 1;
                }
                else if (response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    FirstError ??= $"HTTP {status} for a forged token";
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                Errors++;
                FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
            }
        }

        private static string ReasonOf(HttpHeaderValueCollection<AuthenticationHeaderValue> challenges)
        {
            const string key = "error_description=\"";
            var parameter = challenges.FirstOrDefault()?.Parameter ?? "";
            var start = parameter.IndexOf(key, StringComparison.Ordinal);
            if (start < 0)
            {
                return "(none)";
            }

            start += key.Length;
            var end = parameter.IndexOf('"', start);
            return end < 0 ? parameter[start..] : parameter[start..end];
        }
    }
}
