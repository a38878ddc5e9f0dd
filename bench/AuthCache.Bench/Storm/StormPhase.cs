using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AuthCache.Bench.Flood;
using AuthCache.Bench.Load;
using AuthCache.Bench.Processes;
using AuthCache.Bench.Systems;
using AuthCache.Bench.Tokens;

namespace AuthCache.Bench.Storm;

/// <summary>
/// The revocation storm: signed Clerk <c>session.ended</c> webhooks sent to one API host while the all-hits load
/// runs at the fixed rate on the same host, once against the embedded host with its grain state in Redis and once
/// through a client-mode host of the 2-silo cluster. Per system: the hit load alone; webhooks paced at
/// <see cref="BenchSettings.StormPacedRate"/> beside it; then the full-speed storm beside it, with Redis's received
/// bytes and the hosts' heaps around it and the revoked sessions' tokens asked for on every host afterwards. In
/// client mode the second API host is then frozen while more revocations go through the first, resumed, and polled
/// until it refuses a token of the last of them.
/// </summary>
public static class StormPhase
{
    public const string Name = "revocation-storm";

    /// <summary>The hit load runs this long before the webhooks start, so their window sees it at its steady rate.</summary>
    private static readonly TimeSpan LeadIn = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan HeapTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan SyncLimit = TimeSpan.FromSeconds(60);

    /// <summary>Sessions of a batch whose tokens are cached on the hosts before it and asked for after it.</summary>
    internal const int ProbesPerBatch = 8;

    private const int PacedUser = 900_001;
    private const int StormUser = 900_002;
    private const int AwayUser = 900_003;

    /// <param name="withCluster">Also through the client-mode cluster, which takes about a minute more even with quick settings.</param>
    public static async Task<IReadOnlyList<StormOutcome>> RunAsync(BenchSettings settings, ClerkTokenFactory factory, ITokenSource hits, SystemContext context, bool withCluster)
    {
        var outcomes = new List<StormOutcome>();
        ISystemUnderTest[] systems = withCluster
            ? [new AuthCacheEmbeddedSystem(settings.NearCache, redisStorage: true), AuthCacheClusterSystem.Cluster(settings.NearCache)]
            : [new AuthCacheEmbeddedSystem(settings.NearCache, redisStorage: true)];
        foreach (var system in systems)
        {
            outcomes.Add(await RunAsync(system, settings, factory, hits, context));
        }

        return outcomes;
    }

    private static async Task<StormOutcome> RunAsync(ISystemUnderTest system, BenchSettings settings, ClerkTokenFactory factory, ITokenSource hits, SystemContext context)
    {
        var name = $"{system.Name} ({Name})";
        Console.WriteLine($"  {name}: starting");
        RunningSystem running;
        try
        {
            running = await SystemStart.StartAsync(system, context);
        }
        catch (Exception ex)
        {
            Console.WriteLine($"  {name}: FAILED to start: {ex.Message}");
            return new StormOutcome(system.Name) { Failure = (ex is SystemUnavailableException ? "not available: " : "start-up failed: ") + ex.Message };
        }

        await using (running)
        {
            try
            {
                var outcome = await MeasureAsync(new StormOutcome(system.Name), name, settings, factory, hits, running);
                var exited = running.Processes.FirstOrDefault(p => p.HasExited);
                return exited is null ? outcome : outcome with { Failure = $"{exited.Name} exited during the storm (log: {exited.LogPath})" };
            }
            catch (Exception ex)
            {
                Console.WriteLine($"  {name}: FAILED: {ex}");
                return new StormOutcome(system.Name) { Failure = $"{ex.GetType().Name}: {ex.Message}" };
            }
        }
    }

    private static async Task<StormOutcome> MeasureAsync(StormOutcome outcome, string name, BenchSettings settings, ClerkTokenFactory factory, ITokenSource hits, RunningSystem running)
    {
        var signer = new ClerkWebhookSigner(SystemContext.WebhookSecret);
        var redis = running.Membership?.Redis ?? throw new InvalidOperationException("the storm's systems keep their state in Redis");

        // Every system here starts its API hosts last, in the order of their endpoints.
        var hosts = running.Processes.Skip(running.Processes.Count - running.Endpoints.Count).Zip(running.Endpoints, (process, endpoint) => (Process: process, Endpoint: endpoint)).ToArray();
        var target = hosts[0].Endpoint;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // Every hit token once through every API host first, as in the all-hits runs, so the hit load is all hits however slowly the machine warms.
        await TokenWarmer.WarmAsync(hits, running.Endpoints);
        Console.WriteLine($"  {name}: hit load alone: {settings.Warmup.TotalSeconds:0} s warm-up, {settings.Duration.TotalSeconds:0} s measured, {settings.FixedRate:N0} requests/s");
        var quietClock = Stopwatch.StartNew();
        var redisBefore = await RedisTraffic.ReadAsync(redis);
        var quiet = await LoadGenerator.RunAsync(HitPlan(settings, settings.Warmup, settings.Duration), hits, [target], () => { }, () => { });
        var quietRedis = (await RedisTraffic.ReadAsync(redis)).Since(redisBefore);
        outcome = outcome with { Quiet = quiet, QuietRedis = quietRedis, QuietRedisElapsed = quietClock.Elapsed };
        Console.WriteLine($"  {name}: quiet p50 {quiet.P50Ms:0.###} ms, p99 {quiet.P99Ms:0.###} ms, non-2xx {quiet.Non2xx}; Redis received {quietRedis.InputBytes:N0} B in {quietClock.Elapsed.TotalSeconds:0} s");

        var pacedBatch = new RevocationBatch(PacedUser, Math.Max(1, (int)(settings.StormPacedRate * settings.Duration.TotalSeconds)));
        Console.WriteLine($"  {name}: {pacedBatch.Count:N0} webhooks paced at {settings.StormPacedRate:N0}/s beside the hit load");
        var (paced, duringPaced) = await BesideHitLoadAsync(settings, hits, target, () => WebhookSender.RunAsync(signer, pacedBatch, target, settings.StormConnections, settings.StormPacedRate, settings.StormTimeLimit));
        Console.WriteLine($"  {name}: paced: {Describe(paced)}; hits p99 {duringPaced.P99Ms:0.###} ms");
        outcome = outcome with { Paced = paced, DuringPaced = duringPaced };

        var stormBatch = new RevocationBatch(StormUser, settings.StormWebhooks);
        var probes = ProbeSessions(stormBatch.Count).Select(s => (Session: s, Token: factory.Create(stormBatch.User, s, DateTime.UtcNow, TimeSpan.FromHours(1)))).ToArray();
        foreach (var (_, endpoint) in hosts)
        {
            foreach (var probe in probes)
            {
                await AskAsync(http, endpoint, probe.Token);
            }
        }

        var heapsBefore = await HeapsAsync(hosts.Select(h => h.Process));
        Console.WriteLine($"  {name}: storm of {stormBatch.Count:N0} webhooks over {settings.StormConnections} connections beside the hit load");
        var stormClock = Stopwatch.StartNew();
        redisBefore = await RedisTraffic.ReadAsync(redis);
        var (storm, duringStorm) = await BesideHitLoadAsync(settings, hits, target, () => WebhookSender.RunAsync(signer, stormBatch, target, settings.StormConnections, rate: null, settings.StormTimeLimit));
        var stormRedis = (await RedisTraffic.ReadAsync(redis)).Since(redisBefore);
        var stormRedisElapsed = stormClock.Elapsed;
        var heapsAfter = await HeapsAsync(hosts.Select(h => h.Process));
        var heaps = hosts.Select((h, i) => new HeapGrowth(h.Process.Name, Role(running, i), heapsBefore[i], heapsAfter[i], storm.Revoked)).ToArray();
        Console.WriteLine($"  {name}: storm: {Describe(storm)}; hits p99 {duringStorm.P99Ms:0.###} ms (quiet {quiet.P99Ms:0.###} ms); Redis received {stormRedis.InputBytes:N0} B; " +
            string.Join("; ", heaps.Select(h => $"{h.Host} heap {Kb(h.BeforeBytes)} → {Kb(h.AfterBytes)} KB")));

        var answers = new List<ProbeAnswer>();
        foreach (var (_, endpoint) in hosts)
        {
            foreach (var probe in probes.Where(p => storm.RevokedSessions.Contains(p.Session)))
            {
                var (status, reason) = await AskAsync(http, endpoint, probe.Token);
                answers.Add(new ProbeAnswer(endpoint.Authority, stormBatch.SessionId(probe.Session), status, reason));
            }
        }

        Console.WriteLine($"  {name}: {answers.Count(a => a.RefusedAsRevoked)} of {answers.Count} revoked sessions' tokens refused as revoked on {hosts.Length} host(s)");
        outcome = outcome with { Storm = storm, DuringStorm = duringStorm, StormRedis = stormRedis, StormRedisElapsed = stormRedisElapsed, Heaps = heaps, Probes = answers };

        if (hosts.Length > 1)
        {
            outcome = outcome with { Away = await AwayAsync(name, settings, factory, signer, http, hosts[0].Endpoint, hosts[1]) };
        }

        return outcome;
    }

    /// <summary>
    /// Freezes <paramref name="away"/>, sends a batch through <paramref name="through"/>, resumes it, and polls it
    /// with a token of the last session revoked (cached there before it froze) until it is refused as revoked.
    /// </summary>
    private static async Task<AwayHost> AwayAsync(string name, BenchSettings settings, ClerkTokenFactory factory, ClerkWebhookSigner signer, HttpClient http, Uri through, (SutProcess Process, Uri Endpoint) away)
    {
        var batch = new RevocationBatch(AwayUser, settings.AwayRevocations);
        var probes = ProbeSessions(batch.Count).Select(s => (Session: s, Token: factory.Create(batch.User, s, DateTime.UtcNow, TimeSpan.FromHours(1)))).ToArray();
        foreach (var (_, token) in probes)
        {
            await AskAsync(http, away.Endpoint, token);
        }

        Console.WriteLine($"  {name}: {away.Process.Name} frozen (SIGSTOP) while {batch.Count:N0} webhooks go through the other host");
        var receivedBefore = await TcpReceived.ReadAsync(away.Process.Pid, away.Endpoint.Port);
        WebhookResult sent;
        ProcFs.Freeze(away.Process.Pid);
        try
        {
            sent = await WebhookSender.RunAsync(signer, batch, through, settings.StormConnections, rate: null, settings.StormTimeLimit);
        }
        finally
        {
            ProcFs.Thaw(away.Process.Pid);
        }

        var resumed = Stopwatch.StartNew();
        var last = probes.Where(p => sent.RevokedSessions.Contains(p.Session)).Select(p => ((int Session, string Token)?)p).LastOrDefault();
        Console.WriteLine($"  {name}: while away: {Describe(sent)}; {away.Process.Name} resumed");
        if (last is not { } probe)
        {
            return new AwayHost(sent, "(none revoked)", null, null, 0, null);
        }

        var polls = 0;
        string? answer = null;
        while (resumed.Elapsed < SyncLimit)
        {
            polls++;
            var (status, reason) = await AskAsync(http, away.Endpoint, probe.Token);
            answer = reason is null ? $"HTTP {status}" : $"HTTP {status} {reason}";
            if (status == (int)HttpStatusCode.Unauthorized && reason == "revoked")
            {
                var inSync = resumed.Elapsed;
                var receivedAfter = await TcpReceived.ReadAsync(away.Process.Pid, away.Endpoint.Port);
                var received = receivedBefore is not null && receivedAfter is not null ? receivedAfter.Since(receivedBefore) : (long?)null;
                Console.WriteLine($"  {name}: {away.Process.Name} refused {batch.SessionId(probe.Session)} {inSync.TotalMilliseconds:N0} ms after resuming ({polls} polls); " +
                    $"its cluster connections received {received?.ToString("N0", CultureInfo.InvariantCulture) ?? "?"} B from freezing to in sync");
                return new AwayHost(sent, batch.SessionId(probe.Session), inSync, received, polls, answer);
            }

            await Task.Delay(10);
        }

        Console.WriteLine($"  {name}: {away.Process.Name} still answered {answer} for {batch.SessionId(probe.Session)} {SyncLimit.TotalSeconds:0} s after resuming");
        return new AwayHost(sent, batch.SessionId(probe.Session), null, null, polls, answer);
    }

    /// <summary>Runs the hit load at the fixed rate and starts <paramref name="send"/> when its window opens; the window closes when sending ends.</summary>
    private static async Task<(WebhookResult Webhooks, LoadResult Hits)> BesideHitLoadAsync(BenchSettings settings, ITokenSource hits, Uri target, Func<Task<WebhookResult>> send)
    {
        Task<WebhookResult>? sending = null;
        var ended = new TaskCompletionSource();
        var load = await LoadGenerator.RunAsync(
            HitPlan(settings, LeadIn, settings.StormTimeLimit + TimeSpan.FromSeconds(30)),
            hits,
            [target],
            () =>
            {
                sending = Task.Run(send);
                sending.ContinueWith(_ => ended.TrySetResult(), TaskScheduler.Default);
            },
            () => { },
            ended.Task);
        return (await sending!, load);
    }

    private static LoadPlan HitPlan(BenchSettings settings, TimeSpan warmup, TimeSpan measured) =>
        new(settings.Connections, warmup, measured, settings.ZipfExponent, OfferedRate: settings.FixedRate);

    /// <summary>Spread over the batch, the last session among them.</summary>
    private static int[] ProbeSessions(int count) =>
        Enumerable.Range(1, ProbesPerBatch).Select(i => (int)((long)i * count / ProbesPerBatch) - 1).Where(s => s >= 0).Distinct().ToArray();

    private static string Role(RunningSystem running, int host) => (running.Endpoints.Count, host) switch
    {
        (1, _) => "the API host and its silo: the revocation list grain, the silo's and host's copies, the webhook message grains",
        (_, 0) => "client-mode API host that received the webhooks: its copy, the webhooks' own allocations",
        _ => "client-mode API host with no traffic: its copy of the revocations",
    };

    private static async Task<long?[]> HeapsAsync(IEnumerable<SutProcess> processes)
    {
        var heaps = new List<long?>();
        foreach (var process in processes)
        {
            heaps.Add(await ManagedHeap.AfterFullCollectionAsync(process.Pid, HeapTimeout));
        }

        return [.. heaps];
    }

    private static async Task<(int Status, string? Reason)> AskAsync(HttpClient http, Uri host, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host, "/api/v1/me"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, response.StatusCode == HttpStatusCode.Unauthorized ? ReasonOf(response.Headers.WwwAuthenticate) : null);
    }

    private static string? ReasonOf(HttpHeaderValueCollection<AuthenticationHeaderValue> challenges)
    {
        const string key = "error_description=\"";
        var parameter = challenges.FirstOrDefault()?.Parameter ?? "";
        var start = parameter.IndexOf(key, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += key.Length;
        var end = parameter.IndexOf('"', start);
        return end < 0 ? parameter[start..] : parameter[start..end];
    }

    private static string Describe(WebhookResult r) =>
        $"{r.Revoked:N0} of {r.Planned:N0} revoked in {r.Elapsed.TotalSeconds:0.0} s ({r.RevocationsPerSecond:N0}/s){(r.TimedOut ? ", time limit reached" : "")}, " +
        $"p50 {r.P50Ms:0.#} ms, p99 {r.P99Ms:0.#} ms, max {r.MaxMs:0.#} ms; statuses {string.Join(", ", r.ByStatus.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value:N0}"))}" +
        $"{(r.Errors > 0 ? $", {r.Errors} errors" : "")}{(r.FirstError is { } e ? $" (first problem: {e})" : "")}";

    private static string Kb(long? bytes) => bytes is { } b ? (b / 1024.0).ToString("N0", CultureInfo.InvariantCulture) : "?";
}
