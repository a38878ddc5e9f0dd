namespace AuthCache.Bench.Systems;

/// <summary>One contender of the comparison: how to start it; it then serves <c>GET /api/v1/me</c>.</summary>
public interface ISystemUnderTest
{
    string Name { get; }

    string Description { get; }

    /// <summary>The <c>AuthCache:NearCache:Enabled</c> its processes were given; null for a system without AuthCache.</summary>
    bool? NearCache { get; }

    /// <exception cref="SystemUnavailableException">The system cannot run on this machine or with these binaries.</exception>
    Task<RunningSystem> StartAsync(SystemContext context);
}
