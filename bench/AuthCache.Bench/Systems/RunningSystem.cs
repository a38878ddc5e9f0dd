using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>
/// A started system: the API endpoints to load, every process whose CPU and memory are its cost, and for a system
/// on Redis membership its silo processes and membership table.
/// </summary>
public sealed class RunningSystem(IReadOnlyList<Uri> endpoints, IReadOnlyList<SutProcess> processes) : IAsyncDisposable
{
    public IReadOnlyList<Uri> Endpoints { get; } = endpoints;

    public IReadOnlyList<SutProcess> Processes { get; } = processes;

    /// <summary>The processes that host a silo of a Redis-membership cluster (empty otherwise).</summary>
    public IReadOnlyList<SiloProcess> Silos { get; private init; } = [];

    public MembershipTable? Membership { get; private init; }

    /// <summary>The same processes, described as a cluster: which of them host silos, and where they meet.</summary>
    public RunningSystem AsCluster(IReadOnlyList<SiloProcess> silos, MembershipTable membership) =>
        new(Endpoints, Processes) { Silos = silos, Membership = membership };

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
