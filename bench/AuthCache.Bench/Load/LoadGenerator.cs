using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using AuthCache.Bench.Issuer;
using AuthCache.Bench.Tokens;

namespace AuthCache.Bench.Load;

/// <summary>
/// Real HTTP load on <c>GET /api/v1/me</c>: one sender per connection (SocketsHttpHandler, HTTP/1.1), each
/// drawing users with Zipf popularity and presenting their current token. Requests that start and end inside the
/// measured window are timed; everything else still counts as sent.
/// </summary>
public static class LoadGenerator
{
    private const string Path = "/api/v1/me";

    /// <param name="measuredStarted">Called at the instant the measured window opens (take the "before" snapshots there).</param>
    /// <param name="measuredEnded">Called right after the window closes, before the senders stop.</param>
    public static async Task<LoadResult> RunAsync(
        LoadPlan plan,
        ITokenSource tokens,
        IReadOnlyList<Uri> targets,
        Action measuredStarted,
        Action measuredEnded)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = plan.Connections,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var zipf = new ZipfDistribution(tokens.Users, plan.ZipfExponent);
        var window = new Window();
        var seen = new bool[tokens.Users];
        var senders = Enumerable.Range(0, plan.Connections)
            .Select(i => new Sender(http, new Uri(targets[i % targets.Count], Path), tokens, zipf, new Random(1_000 + i), window, seen, Interval(plan, i)))
            .ToArray();
        var running = senders.Select(s => Task.Run(s.RunAsync)).ToArray();

        await Task.Delay(plan.Warmup);
        measuredStarted();
        window.Open(plan.Measured);
        await Task.Delay(plan.Measured);
        measuredEnded();
        window.Stop();
        await Task.WhenAll(running);

        var latencies = senders.SelectMany(s => s.Latencies).ToArray();
        Array.Sort(latencies);
        var byStatus = senders.SelectMany(s => s.Non2xxByStatus)
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
        return new LoadResult(
            latencies.LongLength,
            plan.Measured,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            Percentile(latencies, 0.99),
            latencies.Length == 0 ? 0 : ToMs(latencies[^1]),
            byStatus.Values.Sum(),
            byStatus,
            senders.Sum(s => s.Errors),
            senders.Select(s => s.FirstError).FirstOrDefault(e => e is not null),
            senders.Sum(s => s.BodyMismatches),
            senders.Sum(s => s.Sent),
            seen.Count(s => s));
    }

    /// <summary>A paced sender's period in stopwatch ticks and its first send (spread over one period), or null.</summary>
    private static (long Period, long FirstOffset)? Interval(LoadPlan plan, int sender)
    {
        if (plan.OfferedRate is not { } rate)
        {
            return null;
        }

        var period = (long)(plan.Connections / rate * Stopwatch.Frequency);
        return (period, period * sender / plan.Connections);
    }

    private static double Percentile(long[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : ToMs(sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)]);

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>The measured window, shared by all senders.</summary>
    private sealed class Window
    {
        private long _start = long.MaxValue;
        private long _end = long.MaxValue;
        private volatile bool _stopped;

        public bool Stopped => _stopped;

        public void Open(TimeSpan length)
        {
            var start = Stopwatch.GetTimestamp();
            Volatile.Write(ref _end, start + (long)(length.TotalSeconds * Stopwatch.Frequency));
            Volatile.Write(ref _start, start);
        }

        public void Stop() => _stopped = true;

        public bool Contains(long started, long ended) => started >= Volatile.Read(ref _start) && ended <= Volatile.Read(ref _end);
    }

    private sealed class Sender(HttpClient http, Uri target, ITokenSource tokens, ZipfDistribution zipf, Random random, Window window, bool[] seen, (long Period, long FirstOffset)? pacing)
    {
        // The first answers of each sender, then one in a thousand, are checked for the caller's subject and profile.
        private const int CheckedFirst = 3;
        private const int CheckedEvery = 1_000;

        public List<long> Latencies { get; } = new(capacity: 64 * 1024);

        public Dictionary<int, long> Non2xxByStatus { get; } = [];

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public long BodyMismatches { get; private set; }

        public long Sent { get; private set; }

        public async Task RunAsync()
        {
            var due = Stopwatch.GetTimestamp() + (pacing?.FirstOffset ?? 0);
            while (!window.Stopped)
            {
                // A sender behind its schedule (a slow answer) counts from when the request was due; one that waited
                // counts from when it actually sent, so the timer's own lateness is not charged to the system.
                var behind = true;
                if (pacing is not null)
                {
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero)
                    {
                        behind = false;
                        await Task.Delay(wait);
                    }
                }

                var user = zipf.Sample(random);
                seen[user] = true;
                using var request = new HttpRequestMessage(HttpMethod.Get, target);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.TokenFor(user));
                Sent++;
                var started = pacing is null || !behind ? Stopwatch.GetTimestamp() : due;
                due += pacing?.Period ?? 0;
                try
                {
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    var ended = Stopwatch.GetTimestamp();
                    if (!response.IsSuccessStatusCode)
                    {
                        Non2xxByStatus[(int)response.StatusCode] = Non2xxByStatus.GetValueOrDefault((int)response.StatusCode) + 1;
                        FirstError ??= $"HTTP {(int)response.StatusCode} from {target.Authority}: {response.Headers.WwwAuthenticate}";
                        continue;
                    }

                    if ((Sent <= CheckedFirst || Sent % CheckedEvery == 0) && !DescribesUser(body, user))
                    {
                        BodyMismatches++;
                        FirstError ??= $"an answer of {target.Authority} did not carry the caller's subject and profile";
                    }

                    if (window.Contains(started, ended))
                    {
                        Latencies.Add(ended - started);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    Errors++;
                    FirstError ??= $"{ex.GetType().Name} from {target.Authority}: {ex.Message}";
                    if (!window.Stopped)
                    {
                        await Task.Delay(50);
                    }
                }
            }
        }

        private static bool DescribesUser(byte[] body, int user)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                var expected = ClerkTokenIdentities.UserId(user);
                return root.TryGetProperty("subject", out var subject) && subject.GetString() == expected
                    && root.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.Object
                    && profile.TryGetProperty("id", out var id) && id.GetString() == expected;
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}
