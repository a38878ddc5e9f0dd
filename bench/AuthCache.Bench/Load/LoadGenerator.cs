using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using AuthCache.Bench.Issuer;
using AuthCache.Bench.Tokens;

namespace AuthCache.Bench.Load;

/// <summary>
/// Real HTTP load on <c>GET /api/v1/me</c>: one sender per connection (SocketsHttpHandler, HTTP/1.1), each
/// drawing users with Zipf popularity and presenting their current token. Requests that start and end inside the
/// measured window are timed; everything else still counts as sent. With <see cref="LoadPlan.RecordEveryRequest"/>
/// every request due in the window is also logged with its outcome, however late it ends.
/// </summary>
public static class LoadGenerator
{
    private const string Path = "/api/v1/me";

    /// <param name="measuredStarted">Called at the instant the measured window opens (take the "before" snapshots there).</param>
    /// <param name="measuredEnded">Called right after the window closes, before the senders stop.</param>
    /// <param name="windowEnds">
    /// Closes the window early when it completes (what the load runs beside has finished), so the window covers
    /// exactly that; the plan's <see cref="LoadPlan.Measured"/> is then the longest it may last.
    /// </param>
    public static async Task<LoadResult> RunAsync(
        LoadPlan plan,
        ITokenSource tokens,
        IReadOnlyList<Uri> targets,
        Action measuredStarted,
        Action measuredEnded,
        Task? windowEnds = null)
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
            .Select(i => new Sender(http, new Uri(targets[i % targets.Count], Path), i % targets.Count, tokens, zipf, new Random(1_000 + i), window, seen, Interval(plan, i), plan.RecordEveryRequest))
            .ToArray();
        var running = senders.Select(s => Task.Run(s.RunAsync)).ToArray();

        await Task.Delay(plan.Warmup);
        measuredStarted();
        window.Open(plan.Measured);
        var opened = Stopwatch.GetTimestamp();
        var fullWindow = Task.Delay(plan.Measured);
        await (windowEnds is null ? fullWindow : Task.WhenAny(fullWindow, windowEnds));
        window.Close();
        var measured = windowEnds is null ? plan.Measured : Stopwatch.GetElapsedTime(opened);
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
            measured,
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
            seen.Count(s => s),
            plan.RecordEveryRequest ? senders.SelectMany(s => s.Log).ToArray() : null,
            senders.Sum(s => s.SentInWindow),
            window.OpenedAt,
            senders.Sum(s => s.CheckedAnswers),
            senders.Sum(s => s.ValidatedByHostWithoutProfile));
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

    /// <summary>The nearest-rank percentile of sorted stopwatch ticks, in milliseconds.</summary>
    internal static double Percentile(long[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : ToMs(sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)]);

    internal static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>The measured window, shared by all senders.</summary>
    private sealed class Window
    {
        private long _start = long.MaxValue;
        private long _end = long.MaxValue;
        private volatile bool _stopped;

        public bool Stopped => _stopped;

        public long OpenedAt => Volatile.Read(ref _start);

        public void Open(TimeSpan length)
        {
            var start = Stopwatch.GetTimestamp();
            Volatile.Write(ref _end, start + (long)(length.TotalSeconds * Stopwatch.Frequency));
            Volatile.Write(ref _start, start);
        }

        /// <summary>Ends the window now if it has not ended yet.</summary>
        public void Close()
        {
            var now = Stopwatch.GetTimestamp();
            if (now < Volatile.Read(ref _end))
            {
                Volatile.Write(ref _end, now);
            }
        }

        public void Stop() => _stopped = true;

        public bool Contains(long started, long ended) => started >= Volatile.Read(ref _start) && ended <= Volatile.Read(ref _end);

        public bool StartsIn(long started) => started >= Volatile.Read(ref _start) && started < Volatile.Read(ref _end);

        public bool EndsAfter(long timestamp) => timestamp < Volatile.Read(ref _end);
    }

    private sealed class Sender(
        HttpClient http,
        Uri target,
        int targetIndex,
        ITokenSource tokens,
        ZipfDistribution zipf,
        Random random,
        Window window,
        bool[] seen,
        (long Period, long FirstOffset)? pacing,
        bool recordEveryRequest)
    {
        // The first answers of each sender, then one in a thousand, are checked for the caller's subject and profile;
        // every answer when every request is logged.
        private const int CheckedFirst = 3;
        private const int CheckedEvery = 1_000;

        public List<long> Latencies { get; } = new(capacity: 64 * 1024);

        public Dictionary<int, long> Non2xxByStatus { get; } = [];

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public long BodyMismatches { get; private set; }

        public long CheckedAnswers { get; private set; }

        public long ValidatedByHostWithoutProfile { get; private set; }

        public long Sent { get; private set; }

        public long SentInWindow { get; private set; }

        public List<RequestRecord> Log { get; } = [];

        public async Task RunAsync()
        {
            var due = Stopwatch.GetTimestamp() + (pacing?.FirstOffset ?? 0);

            // A paced sender that fell behind still sends what was due in the window once it closes: leaving it
            // unsent would drop exactly the requests a slow answer delayed.
            while (!window.Stopped || (recordEveryRequest && pacing is not null && window.EndsAfter(due)))
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
                var sent = Stopwatch.GetTimestamp();
                var started = pacing is null || !behind ? sent : due;
                var logged = recordEveryRequest && window.StartsIn(started);
                if (logged)
                {
                    SentInWindow++;
                }

                due += pacing?.Period ?? 0;
                try
                {
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    var ended = Stopwatch.GetTimestamp();
                    if (!response.IsSuccessStatusCode)
                    {
                        if (logged)
                        {
                            Log.Add(new RequestRecord(started, sent, ended, (int)response.StatusCode, targetIndex, WithoutProfile: false));
                        }

                        Non2xxByStatus[(int)response.StatusCode] = Non2xxByStatus.GetValueOrDefault((int)response.StatusCode) + 1;
                        FirstError ??= $"HTTP {(int)response.StatusCode} from {target.Authority}: {response.Headers.WwwAuthenticate}";
                        continue;
                    }

                    var withoutProfile = false;
                    if (recordEveryRequest || Sent <= CheckedFirst || Sent % CheckedEvery == 0)
                    {
                        // An answer the API host validated itself because the grain was late or unreachable (hedged,
                        // fallback) names the caller without a profile by design: it is counted, not a mismatch. Only a
                        // wrong subject, another user's profile, or a missing profile on an answer that came through
                        // the grains is. With every request logged (a cluster losing a silo), a missing profile is
                        // logged as degraded whatever the source.
                        CheckedAnswers++;
                        var (subject, profile, source) = Describe(body, user);
                        withoutProfile = subject && profile is null;
                        var byHost = source is "Hedged" or "Fallback";
                        if (withoutProfile && byHost)
                        {
                            ValidatedByHostWithoutProfile++;
                        }

                        if (!subject || profile == false || (profile is null && !recordEveryRequest && !byHost))
                        {
                            BodyMismatches++;
                            FirstError ??= $"an answer of {target.Authority} (source {source ?? "not given"}) did not carry the caller's subject and profile";
                        }
                    }

                    if (logged)
                    {
                        Log.Add(new RequestRecord(started, sent, ended, (int)response.StatusCode, targetIndex, withoutProfile));
                    }

                    if (window.Contains(started, ended))
                    {
                        Latencies.Add(ended - started);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    if (logged)
                    {
                        Log.Add(new RequestRecord(started, sent, Stopwatch.GetTimestamp(), RequestRecord.TransportError, targetIndex, WithoutProfile: false));
                    }

                    Errors++;
                    FirstError ??= $"{ex.GetType().Name} from {target.Authority}: {ex.Message}";
                    if (!window.Stopped)
                    {
                        await Task.Delay(50);
                    }
                }
            }
        }

        /// <summary>
        /// Whether the answer names the caller, whether its profile is the caller's (null: no profile in it), and where
        /// the API host says the answer came from (AuthCache's <c>source</c>; null for the other systems).
        /// </summary>
        private static (bool Subject, bool? Profile, string? Source) Describe(byte[] body, int user)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                var expected = ClerkTokenIdentities.UserId(user);
                var subject = root.TryGetProperty("subject", out var claimed) && claimed.GetString() == expected;
                var source = root.TryGetProperty("source", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString() : null;
                if (!root.TryGetProperty("profile", out var profile) || profile.ValueKind != JsonValueKind.Object)
                {
                    return (subject, null, source);
                }

                return (subject, profile.TryGetProperty("id", out var id) && id.GetString() == expected, source);
            }
            catch (JsonException)
            {
                return (false, false, null);
            }
        }
    }
}
