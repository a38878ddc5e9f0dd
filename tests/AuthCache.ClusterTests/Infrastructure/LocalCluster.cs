using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StackExchange.Redis;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>
/// The cluster mode on one machine, as an operator would run it: a private Redis, a test issuer on 127.0.0.1,
/// silo processes on Redis clustering and API host processes as Orleans clients (<c>Orleans:Mode=Client</c>),
/// every port distinct. The test's own Orleans client (<see cref="Observer"/>) only locates grains.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    public const string ServiceId = "authcache-test";

    public const string AdminKey = "cluster-admin-key-5c7e";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<NodeProcess> _silos = [];
    private readonly List<NodeProcess> _apiHosts = [];
    private readonly Dictionary<NodeProcess, int> _siloPorts = [];
    private IHost? _observer;

    private readonly IReadOnlyDictionary<string, string> _apiHostSettings;
    private readonly IReadOnlyDictionary<string, string> _siloSettings;

    private LocalCluster(RedisServer redis, TestIssuer issuer, IReadOnlyDictionary<string, string> apiHostSettings, IReadOnlyDictionary<string, string> siloSettings)
    {
        Redis = redis;
        Issuer = issuer;
        _apiHostSettings = apiHostSettings;
        _siloSettings = siloSettings;
    }

    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];

    public RedisServer Redis { get; }

    public TestIssuer Issuer { get; }

    public IReadOnlyList<NodeProcess> Silos => _silos;

    public IReadOnlyList<NodeProcess> ApiHosts => _apiHosts;

    public RedisKey MembershipKey => $"{ServiceId}/members/{ClusterId}";

    /// <param name="apiHostSettings">Extra environment variables of the API hosts.</param>
    /// <param name="siloSettings">Extra environment variables of the silos.</param>
    /// <param name="redisUsers">Redis with the deployment's users: silos as the silo user, API hosts as the read-only client user.</param>
    public static async Task<LocalCluster> StartAsync(
        int silos, int apiHosts, IReadOnlyDictionary<string, string>? apiHostSettings = null, IReadOnlyDictionary<string, string>? siloSettings = null,
        bool redisUsers = false)
    {
        var cluster = new LocalCluster(
            await RedisServer.StartAsync(redisUsers ? ServiceId : null), await TestIssuer.StartAsync(), apiHostSettings ?? new Dictionary<string, string>(), siloSettings ?? new Dictionary<string, string>());
        try
        {
            await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => cluster.StartSiloAsync()));
            await Task.WhenAll(Enumerable.Range(0, apiHosts).Select(_ => cluster.StartApiHostAsync()));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The silos' key for the grain state they store (API hosts never get it).</summary>
    public static readonly string StateProtectionKey = Convert.ToBase64String("authcache-cluster-tests-state-key"u8);

    /// <summary>A silo process, returned once it is Active in the cluster (its readiness probe says so).</summary>
    public async Task<NodeProcess> StartSiloAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        int siloPort = FreePort.Next(), gatewayPort = FreePort.Next(), httpPort = FreePort.Next();
        var name = $"silo-{siloPort}";
        var silo = NodeProcess.Start(name, NodeProcess.SiloAssembly, httpPort, Merge(CommonSettings(), new Dictionary<string, string>
        {
            ["Orleans__SiloPort"] = siloPort.ToString(),
            ["Orleans__GatewayPort"] = gatewayPort.ToString(),
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["Orleans__StateProtection__Key"] = StateProtectionKey,
            ["Orleans__Redis__ConnectionString"] = Redis.ConnectionString,
            ["POD_NAME"] = name,
        }, _siloSettings, settings));
        lock (_silos)
        {
            _silos.Add(silo);
            _siloPorts[silo] = siloPort;
        }

        await Eventually.UntilAsync(
            Eventually.Probe(async () => (await HealthResponse.GetAsync(silo, "/health/ready")).Status == System.Net.HttpStatusCode.OK),
            StartTimeout, $"{name} ready", () => silo.Describe());
        return silo;
    }

    /// <summary>
    /// An API host in client mode, returned once it serves HTTP and, when <paramref name="waitForCluster"/>, once
    /// its readiness is Healthy (connected, keys readable through the cluster).
    /// </summary>
    public async Task<NodeProcess> StartApiHostAsync(bool waitForCluster = true, IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        var httpPort = port ?? FreePort.Next();
        var environment = Merge(CommonSettings(), new Dictionary<string, string>
        {
            ["Orleans__Mode"] = "Client",
            ["Orleans__Redis__ConnectionString"] = Redis.ClientConnectionString,
        }, _apiHostSettings, settings);
        var host = NodeProcess.Start($"api-{httpPort}", NodeProcess.ApiHostAssembly, httpPort, environment);
        lock (_apiHosts)
        {
            _apiHosts.Add(host);
        }

        var path = waitForCluster ? "/health/ready" : "/health/live";
        await Eventually.UntilAsync(
            Eventually.Probe(async () => (await HealthResponse.GetAsync(host, path)).Report == "Healthy"),
            StartTimeout, $"{host.Name} {path} Healthy", () => host.Describe());
        return host;
    }

    public int SiloPortOf(NodeProcess silo) => _siloPorts[silo];

    public async Task<IReadOnlyList<MembershipRow>> MembershipAsync() =>
        (await Redis.Database.HashGetAllAsync(MembershipKey))
            .Where(e => e.Name != "Version")
            .Select(e => MembershipRow.Parse(e.Value!))
            .ToList();

    /// <summary>The test's own Orleans client, connected through the same Redis membership.</summary>
    public async Task<IClusterClient> ObserverAsync()
    {
        if (_observer is null)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(client => client
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterId;
                    o.ServiceId = ServiceId;
                })
                .UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(Redis.ConnectionString)));
            var observer = builder.Build();
            await observer.StartAsync();
            _observer = observer;
        }

        return _observer.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The silo port of the silo holding the token's validation grain, or null when it is not active anywhere.</summary>
    public async Task<int?> SiloPortHoldingAsync(string token)
    {
        var observer = await ObserverAsync();
        var grain = observer.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token));
        var address = await observer.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        return address?.Endpoint.Port;
    }

    public string Describe() => string.Join("\n", _silos.Concat(_apiHosts).Select(n => n.Describe(25)));

    public async ValueTask DisposeAsync()
    {
        if (_observer is not null)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _observer.StopAsync(stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _observer.Dispose();
        }

        foreach (var node in _apiHosts.Concat(_silos))
        {
            await node.DisposeAsync();
        }

        await Issuer.DisposeAsync();
        await Redis.DisposeAsync();
    }

    private static Dictionary<string, string> Merge(params IReadOnlyDictionary<string, string>?[] layers)
    {
        var merged = new Dictionary<string, string>();
        foreach (var (key, value) in layers.OfType<IReadOnlyDictionary<string, string>>().SelectMany(l => l))
        {
            merged[key] = value;
        }

        return merged;
    }

    private Dictionary<string, string> CommonSettings() => new()
    {
        ["Orleans__ClusterId"] = ClusterId,
        ["Orleans__ServiceId"] = ServiceId,

        // The processes run in Production, which refuses a cluster of processes without TLS unless told otherwise.
        ["Orleans__Tls__Enabled"] = "false",
        ["AuthCache__Issuers__0__Issuer"] = Issuer.Issuer,
        ["AuthCache__Issuers__0__RequireHttps"] = "false",
        ["AuthCache__Admin__ApiKey"] = AdminKey,

        // Tests that assert where an answer came from wait for the grain; the hedge's own tests set the default back.
        ["AuthCache__FallbackAfter"] = "00:00:02",
        ["HostOptions__ShutdownTimeout"] = "00:00:30",
        ["Logging__LogLevel__AuthCache"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Authentication"] = "Debug",
    };
}
