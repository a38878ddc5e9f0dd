using System.Net.Http.Json;
using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Endpoints;
using AuthCache.Bench.Processes;
using AuthCache.Bench.Systems;

namespace AuthCache.Bench.Flood;

/// <summary>Reads a <see cref="HostSnapshot"/> of a running API host from outside, as an operator could.</summary>
public sealed class HostProbe(SutProcess host, Uri endpoint) : IDisposable
{
    private const string ActivationsMetric = "orleans_catalog_activations";

    /// <summary>Orleans' cache of grain locations: every grain that was looked up leaves an entry, deactivated or not.</summary>
    private const string DirectoryCacheMetric = "orleans_directory_cache_size";

    private static readonly TimeSpan HeapTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new() { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(20) };

    public long WorkingSetBytes() => ProcFs.WorkingSetBytes(host.Pid);

    public long PeakWorkingSetBytes() => ProcFs.PeakWorkingSetBytes(host.Pid);

    /// <summary>Resident set first, the collection it induces last, so the figures before it are the host's own.</summary>
    public async Task<HostSnapshot> TakeAsync()
    {
        var unreadable = new List<string>();
        var workingSet = WorkingSetBytes();
        var stats = await ReadAsync("stats", unreadable, ReadStatsAsync);
        var metrics = await ReadAsync("metrics", unreadable, async () => await _http.GetStringAsync("/metrics"));
        var problems = unreadable.Count;
        var heap = await ReadAsync("managed heap", unreadable, () => ManagedHeap.AfterFullCollectionAsync(host.Pid, HeapTimeout));
        if (heap is null && unreadable.Count == problems)
        {
            unreadable.Add($"managed heap: no induced collection seen within {HeapTimeout.TotalSeconds:0} s");
        }

        return new HostSnapshot(
            workingSet,
            heap,
            stats?.TokenCache.ActiveEntries,
            stats?.TokenCache.ApproximateBytes,
            stats?.UserProfiles.ActiveEntries,
            ApiHostMetrics.Sum(metrics, ActivationsMetric),
            ApiHostMetrics.Sum(metrics, DirectoryCacheMetric),
            unreadable);
    }

    private async Task<CacheStatsResponse?> ReadStatsAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cache/stats");
        request.Headers.Add(AuthCacheDefaults.AdminKeyHeader, SystemContext.AdminKey);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<CacheStatsResponse>();
    }

    private static async Task<T?> ReadAsync<T>(string what, List<string> unreadable, Func<Task<T?>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            unreadable.Add($"{what}: {ex.GetType().Name}: {ex.Message}");
            return default;
        }
    }

    public void Dispose() => _http.Dispose();
}
