using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using AuthCache.ClusterTests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary>
/// Memory-based activation shedding (AuthCache:MemoryShedding) on a real silo process whose GC may use 96 MiB
/// (<c>DOTNET_GCHeapHardLimit</c>, as a container's memory limit sets it), fed through a client-mode API host more
/// distinct valid tokens than that much memory could cache.
/// </summary>
public sealed class MemorySheddingTests : IAsyncLifetime
{
    private const long HeapHardLimitBytes = 96L * 1024 * 1024;

    /// <summary>Managed heap per cached token, activation included (bench/RESULTS.md).</summary>
    private const long BytesPerCachedToken = 3_973;

    private const int WaveSize = 2_000;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private LocalCluster _cluster = null!;
    private NodeProcess _silo = null!;
    private NodeProcess _apiHost = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync(silos: 0, apiHosts: 0);
        _silo = await _cluster.StartSiloAsync(new Dictionary<string, string>
        {
            ["DOTNET_GCHeapHardLimit"] = "0x" + HeapHardLimitBytes.ToString("X", CultureInfo.InvariantCulture),
            // One GC heap, not one per core, so the limit is not split; no dashboard, whose history the test does not need.
            ["DOTNET_gcServer"] = "0",
            ["AuthCache__Dashboard__Enabled"] = "false",
            ["AuthCache__MemoryShedding__LimitPercentage"] = "50",
            ["AuthCache__MemoryShedding__TargetPercentage"] = "40",
            ["AuthCache__MemoryShedding__PollingPeriod"] = "00:00:01",
            ["Logging__LogLevel__Orleans.Runtime.ActivationCollector"] = "Information",
        });

        // A busy silo can answer slower than the 2 s default: its answers, not the host's own validation or its near
        // cache, are under test.
        _apiHost = await _cluster.StartApiHostAsync(settings: new Dictionary<string, string>
        {
            ["AuthCache__GrainCallTimeout"] = "00:00:20",
            ["AuthCache__FallbackAfter"] = "00:00:20",
            ["AuthCache__NearCache__Enabled"] = "false",
        });
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_silo_under_memory_pressure_sheds_token_activations_instead_of_growing_and_a_shed_token_is_validated_again()
    {
        // Without shedding the silo would have to keep them all: more than its GC may use, so it would fail.
        var tokensBeyondTheLimit = (int)(HeapHardLimitBytes / BytesPerCachedToken) + WaveSize;
        var sent = new List<string>();
        var failures = new ConcurrentQueue<string>();
        while (sent.Count < tokensBeyondTheLimit)
        {
            sent.AddRange(await SendWaveAsync(failures));
        }

        var snapshot = await SiloSnapshotAsync();
        Assert.True(failures.IsEmpty, $"{failures.Count} of {sent.Count} requests failed, e.g. {string.Join("; ", failures.Take(5))}\n{_silo.Describe(30)}");
        Assert.False(_silo.HasExited, _silo.Describe());
        Assert.True(
            snapshot.ActiveEntries < sent.Count * 0.9,
            $"The silo caches {snapshot.ActiveEntries} of the {sent.Count} tokens it validated (heap after the last GC {snapshot.HeapBytes:N0} bytes): it did not shed.\n{_silo.Describe(30)}");
        Assert.Contains(_silo.Output, line => line.Contains("High memory pressure detected", StringComparison.Ordinal));

        // A token the silo no longer holds is simply validated again: asked anew, a token it shed is a miss (none
        // has expired, none was left uncached at MaxCachedTokens), and the next request for it a hit.
        MeResponse? revalidated = null;
        string? shed = null;
        foreach (var token in sent.Take(WaveSize))
        {
            var answer = await MeResponse.GetAsync(_apiHost, token);
            Assert.True(answer is { Status: HttpStatusCode.OK, Source: "Cluster" }, answer.ToString());
            if (answer.FromCache == false)
            {
                (shed, revalidated) = (token, answer);
                break;
            }
        }

        Assert.True(shed is not null, $"All of the first {WaveSize} tokens were still cached: nothing was shed.");
        var hit = await MeResponse.GetAsync(_apiHost, shed);
        Assert.True(hit is { Status: HttpStatusCode.OK, Source: "Cluster", FromCache: true }, $"{revalidated}, then {hit}");
    }

    /// <summary>A wave of distinct valid tokens (ES256: cheap to sign here), each presented once through the API host.</summary>
    private async Task<List<string>> SendWaveAsync(ConcurrentQueue<string> failures)
    {
        var issuer = _cluster.Issuer;
        var tokens = Enumerable.Range(0, WaveSize)
            .Select(_ => issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), lifetime: TimeSpan.FromHours(1), key: issuer.Ec))
            .ToList();
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (token, cancellationToken) =>
        {
            var me = await MeResponse.GetAsync(_apiHost, token, cancellationToken);
            if (me is not { Status: HttpStatusCode.OK, Source: "Cluster" })
            {
                failures.Enqueue(me.ToString());
            }
        });
        return tokens;
    }

    /// <summary>The silo's cached tokens and its managed heap after the last GC, from its /metrics.</summary>
    private async Task<(long ActiveEntries, long HeapBytes)> SiloSnapshotAsync()
    {
        (long, long) result = default;
        await Eventually.UntilAsync(
            Eventually.Probe(async () =>
            {
                var text = await _silo.Http.GetStringAsync("/metrics");
                result = ((long)Sum(text, "authcache_token_cache_active_entries"), (long)Sum(text, "dotnet_gc_last_collection_heap_size_bytes"));
                return true;
            }),
            Patience,
            $"{_silo.Name} serves /metrics",
            () => _silo.Describe());
        return result;
    }

    private static double Sum(string metrics, string name) => metrics.Split('\n')
        .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
        .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
