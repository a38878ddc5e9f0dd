using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>A started system: the API endpoints to load, and every process whose CPU and memory are its cost.</summary>
public sealed class RunningSystem(IReadOnlyList<Uri> endpoints, IReadOnlyList<SutProcess> processes) : IAsyncDisposable
{
    public IReadOnlyList<Uri> Endpoints { get; } = endpoints;

    public IReadOnlyList<SutProcess> Processes { get; } = processes;

    public long CpuTicks() => Processes.Sum(p => p.CpuTicks());

    public async ValueTask DisposeAsync()
    {
        // The reverse of start-up: API hosts, then silos, then what they stand on.
        foreach (var process in Processes.Reverse())
        {
            await process.DisposeAsync();
        }
    }

    /// <summary>Starts processes one by one into the given list; if one fails, those already started are stopped.</summary>
    public static async Task<RunningSystem> StartAsync(Func<List<SutProcess>, Task<IReadOnlyList<Uri>>> start)
    {
        var started = new List<SutProcess>();
        try
        {
            var endpoints = await start(started);
            return new RunningSystem(endpoints, started);
        }
        catch
        {
            await new RunningSystem([], started).DisposeAsync();
            throw;
        }
    }
}
