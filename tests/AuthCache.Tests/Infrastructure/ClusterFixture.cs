using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// A real 2-silo Orleans cluster (TestingHost) whose grains fetch keys and profiles from a <see cref="TestIssuer"/>
/// over HTTP. Token lifetimes and key freshness follow <see cref="Time"/>, a fake clock the tests advance.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string AuthorizedParty = "https://app.example";
    public const string Audience = "api://authcache";

    /// <summary>The silos' <c>Orleans:StateProtection:Key</c>: stored signing keys are restored only with it.</summary>
    public static readonly string StateProtectionKey = Convert.ToBase64String("authcache-tests-state-protection"u8);

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public TestIssuer Issuer { get; private set; } = null!;

    /// <summary>A configured issuer that is down when the cluster starts (cold start without keys).</summary>
    public TestIssuer ColdIssuer { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>A second configured issuer name (same keys) whose tokens must carry <see cref="Audience"/>.</summary>
    public string AudienceIssuer => Issuer.Issuer + "/aud";

    public async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        ColdIssuer = await TestIssuer.StartAsync();
        ColdIssuer.Mode = JwksMode.ServerError;
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureHost(host =>
        {
            host.Configuration.AddInMemoryCollection(Settings(Issuer));
            host.Configuration["Orleans:StateProtection:Key"] = StateProtectionKey;
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
    }

    public IReadOnlyDictionary<string, string?> Settings(TestIssuer issuer) => new Dictionary<string, string?>
    {
        ["AuthCache:Issuers:0:Issuer"] = issuer.Issuer,
        ["AuthCache:Issuers:0:RequireHttps"] = "false",
        ["AuthCache:Issuers:0:AuthorizedParties:0"] = AuthorizedParty,
        ["AuthCache:Issuers:1:Issuer"] = issuer.Issuer + "/aud",
        ["AuthCache:Issuers:1:RequireHttps"] = "false",
        ["AuthCache:Issuers:1:Audiences:0"] = Audience,
        ["AuthCache:Issuers:2:Issuer"] = ColdIssuer.Issuer,
        ["AuthCache:Issuers:2:RequireHttps"] = "false",
        ["AuthCache:UserProfiles:BaseUrl"] = issuer.BaseUrl,
        ["AuthCache:UserProfiles:SecretKey"] = TestIssuer.ClerkSecretKey,
        ["AuthCache:UserProfiles:Issuer"] = issuer.Issuer,
    };

    /// <summary>A token minted at the fake clock's now, so its lifetime is measured on the same clock.</summary>
    public string Token(string subject, TimeSpan? lifetime = null, Microsoft.IdentityModel.Tokens.SecurityKey? key = null, string? azp = null) =>
        Issuer.CreateToken(subject, lifetime, key, azp: azp, now: Time.GetUtcNow().UtcDateTime);

    /// <summary>Signature validations done by all silos since start.</summary>
    public long Validations() => Cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<AuthCacheMetrics>().Snapshot().Validations);

    public long ActiveEntries() => Cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<AuthCacheMetrics>().Snapshot().ActiveEntries);

    /// <summary>
    /// Lets every issuer's grain do whatever refresh is due (as a reminder tick would), so a background refresh
    /// triggered by an earlier clock change cannot land inside a test's measurement.
    /// </summary>
    public async Task SettleAsync()
    {
        foreach (var issuer in new[] { Issuer.Issuer, AudienceIssuer })
        {
            await Grains.GetGrain<IJwksGrain>(issuer).EnsureRefreshScheduledAsync();
        }
    }

    public bool IsActive(IAddressable grain) => Cluster.TryGetGrainContext(grain.GetGrainId(), out _);

    public async Task WaitUntilInactiveAsync(IAddressable grain, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsActive(grain))
        {
            Assert.True(DateTime.UtcNow < deadline, "The grain was still active after " + timeout);
            await Task.Delay(25);
        }
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Issuer.DisposeAsync();
        await ColdIssuer.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
