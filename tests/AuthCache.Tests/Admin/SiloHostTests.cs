using System.Net;
using AuthCache.Tests.Api;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Admin;

/// <summary>The silo host in its own process and an API host in Client mode: admin views in cluster mode.</summary>
public sealed class SiloHostTests(SiloHostClusterFixture fixture) : IClassFixture<SiloHostClusterFixture>
{
    [Fact]
    public async Task Api_host_in_client_mode_authenticates_through_the_silo_host_and_reports_its_numbers()
    {
        var token = fixture.Issuer.CreateToken("user_client_mode_" + Guid.NewGuid().ToString("N")[..8]);
        var first = await fixture.Api.Http.GetAsync("/api/v1/me", token);
        var second = await fixture.Api.Http.GetAsync("/api/v1/me", token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("Cluster", (await first.JsonAsync()).GetProperty("source").GetString());
        Assert.True((await second.JsonAsync()).GetProperty("fromCache").GetBoolean());

        var stats = await (await fixture.Api.Http.GetAsync("/api/v1/cache/stats", adminKey: SiloHostClusterFixture.AdminKey)).JsonAsync();
        Assert.Equal(1, stats.GetProperty("cluster").GetProperty("answeredSilos").GetInt32());
        Assert.True(stats.GetProperty("tokenCache").GetProperty("hits").GetInt64() >= 1);
        Assert.True(stats.GetProperty("tokenCache").GetProperty("activeEntries").GetInt64() >= 1);
        Assert.Equal(1, stats.GetProperty("requestCache").GetProperty("apiHosts").GetInt32());
    }

    [Fact]
    public async Task Silo_host_serves_its_dashboard_only_to_admins_and_lists_the_grain_types()
    {
        var token = fixture.Issuer.CreateToken("user_silo_dash_" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Api.Http.GetAsync("/api/v1/me", token)).StatusCode);

        var anonymous = await fixture.Silo.Http.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains(anonymous.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Silo.Http.SendBasicAsync(HttpMethod.Get, "/dashboard/", "admin", SiloHostClusterFixture.AdminKey)).StatusCode);

        // The dashboard refreshes its counters about once a second.
        var counters = "";
        for (var attempt = 0; attempt < 50 && !counters.Contains("TokenValidationGrain", StringComparison.Ordinal); attempt++)
        {
            var response = await fixture.Silo.Http.GetAsync("/dashboard/DashboardCounters", adminKey: SiloHostClusterFixture.AdminKey);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            counters = await response.Content.ReadAsStringAsync();
            await Task.Delay(200);
        }

        Assert.Contains("TokenValidationGrain", counters);
        Assert.Contains("JwksGrain", counters);
    }

    [Fact]
    public async Task Silo_host_exports_the_cache_metrics_its_grains_counted()
    {
        var token = fixture.Issuer.CreateToken("user_silo_metrics_" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Api.Http.GetAsync("/api/v1/me", token)).StatusCode);

        var metrics = "";
        for (var attempt = 0; attempt < 50 && !metrics.Contains("authcache_token_cache_misses_total", StringComparison.Ordinal); attempt++)
        {
            metrics = await fixture.Silo.Http.GetStringAsync("/metrics");
            await Task.Delay(200);
        }

        Assert.Contains("authcache_token_cache_misses_total", metrics);
        Assert.Contains("authcache_validations_total{otel_scope_name=\"AuthCache\",outcome=\"valid\"}", metrics);
        Assert.Contains("# TYPE orleans_", metrics);
        // The API host, a client, counts requests and request-cache hits, not validations.
        var api = await fixture.Api.Http.GetStringAsync("/metrics");
        Assert.Contains("authcache_request_cache_hits_total", api);
        Assert.DoesNotContain("authcache_token_cache_misses_total", api);
    }

    [Fact]
    public async Task Api_host_in_client_mode_serves_no_dashboard()
    {
        var response = await fixture.Api.Http.GetAsync("/dashboard/", adminKey: SiloHostClusterFixture.AdminKey);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
