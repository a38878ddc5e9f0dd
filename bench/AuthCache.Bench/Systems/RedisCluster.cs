using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>
/// What the systems on Redis membership share: a throw-away redis-server, one cluster identity for every process
/// (<c>Orleans:Redis:ConnectionString</c>, <c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c>), and the probe that
/// the silos really met in its membership table.
/// </summary>
public sealed class RedisCluster
{
    private const string ServiceId = "authcache-bench";

    private static readonly TimeSpan RegistrationTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ActiveTimeout = TimeSpan.FromSeconds(60);

    private readonly DevCertificates? _tls;

    private RedisCluster(RedisServer redis, string clusterId, DevCertificates? tls)
    {
        _tls = tls;
        Redis = redis;
        ClusterId = clusterId;
        Membership = new MembershipTable(redis, ServiceId, clusterId);
    }

    public RedisServer Redis { get; }

    public string ClusterId { get; }

    public MembershipTable Membership { get; }

    /// <summary>
    /// Starts Redis and adds it to <paramref name="started"/>, so it is stopped with the system; with
    /// <paramref name="tls"/> every Orleans connection of the cluster is mutual TLS with the run's certificates.
    /// </summary>
    /// <exception cref="SystemUnavailableException">redis-server or redis-cli is not installed, or the certificates could not be made.</exception>
    public static async Task<RedisCluster> StartAsync(SystemContext context, List<SutProcess> started, bool tls = false)
    {
        if (RedisServer.FindExecutable("redis-server") is null || RedisServer.FindExecutable("redis-cli") is null)
        {
            throw new SystemUnavailableException("redis-server is not installed here (apt-get install -y redis-server)");
        }

        var certificates = tls ? await context.CertificatesAsync() : null;
        var redis = await RedisServer.StartAsync(context.LogDirectory);
        started.Add(redis.Process);
        return new RedisCluster(redis, $"bench-{Guid.NewGuid():N}", certificates);
    }

    /// <param name="silo">The process hosts a silo (a silo process, or an API host in Embedded mode); else it is a client-mode API host.</param>
    public IEnumerable<string> Arguments(bool silo) =>
    [
        $"--Orleans:Redis:ConnectionString={Redis.ConnectionString}",
        $"--Orleans:ClusterId={ClusterId}",
        $"--Orleans:ServiceId={ServiceId}",

        // Production refuses a cluster of processes without TLS unless this says so.
        .. _tls?.Arguments(silo) ?? ["--Orleans:Tls:Enabled=false"],
    ];

    /// <summary>
    /// Starts <paramref name="count"/> silo processes (src/Silo) on this membership, adds them to
    /// <paramref name="started"/>, and returns once all of them are Active.
    /// </summary>
    /// <exception cref="SystemUnavailableException">The first silo did not register in Redis.</exception>
    public async Task<IReadOnlyList<SiloProcess>> StartSilosAsync(SystemContext context, List<SutProcess> started, int count, bool nearCache)
    {
        var silos = new List<SiloProcess>();
        for (var i = 1; i <= count; i++)
        {
            var port = FreePort.Next();
            var siloPort = FreePort.Next();
            var silo = SutProcess.StartDotnet(
                $"silo-{i}",
                context.Layout.SiloDll,
                [.. SystemContext.HttpArguments(port), .. context.AuthCacheArguments(nearCache), .. Arguments(silo: true), $"--Orleans:SiloPort={siloPort}", $"--Orleans:GatewayPort={FreePort.Next()}"],
                SystemContext.ProductionEnvironment,
                context.LogDirectory);
            started.Add(silo);
            silos.Add(new SiloProcess(silo, siloPort));
            await silo.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{port}/health/live"), TimeSpan.FromSeconds(90));
            if (i == 1)
            {
                await RequireRegistrationAsync("cluster mode has not landed: a silo given Orleans:Redis:ConnectionString");
            }
        }

        await RequireActiveAsync(count);
        return silos;
    }

    /// <summary>The first silo's entry must appear, or the binaries do not honour the Redis keys.</summary>
    /// <exception cref="SystemUnavailableException">No silo registered in Redis.</exception>
    public async Task RequireRegistrationAsync(string whoDidNot)
    {
        if (!await Membership.WaitForActiveSilosAsync(1, RegistrationTimeout) && (await Membership.ReadAsync()).Count == 0)
        {
            throw new SystemUnavailableException($"{whoDidNot} did not register in Redis within {RegistrationTimeout.TotalSeconds:0} s");
        }
    }

    /// <exception cref="TimeoutException">Fewer than <paramref name="silos"/> silos became Active.</exception>
    public async Task RequireActiveAsync(int silos)
    {
        if (!await Membership.WaitForActiveSilosAsync(silos, ActiveTimeout))
        {
            var rows = await Membership.ReadAsync();
            throw new TimeoutException($"{silos} silos were not Active in {Membership.Key} within {ActiveTimeout.TotalSeconds:0} s: {string.Join(", ", rows.Select(r => $"{r.SiloPort} {r.Status}"))}");
        }
    }
}
