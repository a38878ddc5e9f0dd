using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace AuthCache.Tests.Grains;

/// <summary>Memory stays bounded: a full cache stops growing, and forged tokens leave nothing behind.</summary>
public sealed class CacheBoundTests
{
    [Fact]
    public async Task Past_the_per_silo_limit_new_tokens_are_validated_but_not_cached()
    {
        await using var issuer = await TestIssuer.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureHost(host =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AuthCache:Issuers:0:Issuer"] = issuer.Issuer,
                ["AuthCache:Issuers:0:RequireHttps"] = "false",
                ["AuthCache:MaxCachedTokens"] = "3",
            });
            host.Services.AddSingleton(new AuthCacheClock(time));
        });
        builder.ConfigureSilo((_, silo) => silo.AddAuthCacheLocalPersistence().AddAuthCacheGrains());
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var metrics = cluster.Silos[0].ServiceProvider.GetRequiredService<AuthCacheMetrics>();
        var tokens = Enumerable.Range(0, 5).Select(i => issuer.CreateToken("user_" + i, now: time.GetUtcNow().UtcDateTime)).ToArray();

        foreach (var token in tokens)
        {
            Assert.True((await Grain(cluster, token).ValidateAsync(token)).IsValid);
        }

        var second = await Task.WhenAll(tokens.Select(t => Grain(cluster, t).ValidateAsync(t)));

        Assert.All(second, r => Assert.True(r.IsValid));
        Assert.Equal([true, true, true, false, false], second.Select(r => r.FromCache));
        Assert.Equal(3, metrics.ActiveEntries);
        Assert.True(metrics.Snapshot().UncachedBecauseFull >= 2);
    }

    [Fact]
    public async Task A_flood_of_forged_tokens_leaves_no_lasting_activation_and_a_bounded_directory_cache()
    {
        const int directoryCacheSize = 5_000;
        await using var issuer = await TestIssuer.StartAsync();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureHost(host => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:DirectoryCacheSize"] = directoryCacheSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        builder.ConfigureSilo((_, silo) => silo.AddAuthCacheLocalPersistence().AddAuthCacheGrains());
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var forger = TestIssuer.CreateRsaKey("rsa-1");

        var forged = Enumerable.Range(0, 10_000).Select(i => issuer.CreateToken("user_" + i, key: forger)).ToArray();
        foreach (var batch in forged.Chunk(500))
        {
            var results = await Task.WhenAll(batch.Select(t => Grain(cluster, t).ValidateAsync(t)));
            Assert.All(results, r => Assert.Equal(AuthFailureReason.BadSignature, r.FailureReason));
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await TokenActivationsAsync(cluster) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "Forged-token activations were still alive after 60 s.");
            await Task.Delay(200);
        }

        // What a forged token leaves behind in Orleans itself is a directory cache entry; Orleans' LRU holds at most
        // CacheSize of them per silo, and the silos run with the configured bound instead of Orleans' 1,000,000.
        Assert.All(cluster.Silos, silo => Assert.Equal(
            directoryCacheSize,
            silo.ServiceProvider.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize));
    }

    private static ITokenValidationGrain Grain(InProcessTestCluster cluster, string token) =>
        cluster.Client.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token));

    private static async Task<int> TokenActivationsAsync(InProcessTestCluster cluster)
    {
        var statistics = await cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains(nameof(TokenValidationGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }
}
