using System.Net;
using AuthCache.Core.Diagnostics;
using AuthCache.Tests.Infrastructure;
using static AuthCache.Tests.AspNetCore.Authentication.FailedAuthenticationLimitTests;

namespace AuthCache.Tests.AspNetCore.Authentication;

/// <summary>
/// The failed-authentication limit of an API host that is an Orleans client of a one-silo cluster: over the limit, a
/// flood of forged tokens on an anonymous route costs the silo nothing.
/// </summary>
public sealed class ClientModeFailedAuthenticationLimitTests
{
    [Fact]
    public async Task A_flood_of_forged_tokens_on_an_anonymous_route_reaches_no_grain_once_the_address_is_over_the_limit()
    {
        await using var issuer = await TestIssuer.StartAsync();
        var settings = Settings(issuer);
        var cluster = await OneSiloCluster.DeployAsync(settings);
        try
        {
            await using var host = await ApiHostInstance.StartClientOfAsync(cluster, settings);
            var cached = await CachedAsync(host, issuer);
            var silo = cluster.Silos.Single().ServiceProvider.GetRequiredService<AuthCacheMetrics>();
            var before = GrainCalls(silo);

            for (var i = 0; i < 40; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(Request(HttpMethod.Get, "/health/live", Forged(issuer)))).StatusCode);
            }

            await Poll.UntilAsync(() => Task.FromResult(GrainCalls(silo) >= before + PermitLimit), TimeSpan.FromSeconds(30), "the grain calls of the tokens within the limit");
            Assert.Equal(before + PermitLimit, GrainCalls(silo));
            Assert.Equal("NearCache", await SourceAsync(host, cached));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
