using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Grains;
using AuthCache.Grains.Administration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// A 2-silo TestingHost cluster and, in front of it, the real API host as an Orleans client of that cluster
/// (Orleans:Mode=External with the cluster's own client), on Kestrel at 127.0.0.1. Cache decisions of the
/// silos and of the API host follow <see cref="Time"/>, a fake clock the tests advance.
/// </summary>
public sealed class ClientModeClusterFixture : IAsyncLifetime
{
    public const string AdminKey = "cluster-admin-key-41d2";

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public TestIssuer Issuer { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public ApiHostInstance Host { get; private set; } = null!;

    public HttpClient Http => Host.Http;

    public async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        var settings = Issuer.Settings();
        settings["AuthCache:Admin:ApiKey"] = AdminKey;

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureHost(host =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Services.AddSingleton(new AuthCacheClock(Time));
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAuthCacheLocalPersistence().AddAuthCacheGrains();
            // Random placement as the cluster default, so a burst of new tokens lands on both silos; the
            // resource-based default favours one silo until its load statistics are next published.
            silo.Services.AddSingleton<PlacementStrategy, RandomPlacement>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        Host = await ApiHostInstance.StartClientOfAsync(Cluster, settings, services => services.AddSingleton(new AuthCacheClock(Time)));
    }

    /// <summary>A token minted at the fake clock's now, so its lifetime is measured on the same clock.</summary>
    public string Token(string subject, TimeSpan? lifetime = null, string? sid = null) =>
        Issuer.CreateToken(subject, lifetime, sid: sid, now: Time.GetUtcNow().UtcDateTime);

    /// <summary>What each silo's own process counted, read straight from its services (the ground truth).</summary>
    internal IReadOnlyDictionary<string, (AuthCacheCounters Counters, long TokenEntries, long ProfileEntries)> SiloTruth() =>
        Cluster.Silos.ToDictionary(
            s => s.SiloAddress.ToParsableString(),
            s =>
            {
                var registry = s.ServiceProvider.GetRequiredService<SiloCacheRegistry>();
                return (s.ServiceProvider.GetRequiredService<AuthCacheMetrics>().Snapshot(), registry.Tokens.Count, registry.Profiles.Count);
            });

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Cluster.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClientModeClusterCollection : ICollectionFixture<ClientModeClusterFixture>
{
    public const string Name = "client-mode-cluster";
}
