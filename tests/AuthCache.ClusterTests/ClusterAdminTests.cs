using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AuthCache.ClusterTests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary>Admin views in cluster mode: stats over silo processes, and each silo host's dashboard and metrics.</summary>
[Collection(SteadyClusterCollection.Name)]
public sealed class ClusterAdminTests(SteadyClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private LocalCluster Cluster => fixture.Cluster;

    private string NewToken() => Cluster.Issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Stats_of_a_client_mode_api_host_cover_both_silo_processes_and_both_api_hosts()
    {
        foreach (var host in Cluster.ApiHosts)
        {
            Assert.Equal(HttpStatusCode.OK, (await MeResponse.GetAsync(host, NewToken())).Status);
        }

        // Each API host reports its own counters every 15 s; the one asked reports right before answering.
        JsonElement stats = default;
        await Eventually.UntilAsync(
            async () =>
            {
                stats = await StatsAsync(Cluster.ApiHosts[0]);
                return stats.GetProperty("requestCache").GetProperty("apiHosts").GetInt32() == 2;
            },
            Patience,
            "both API hosts reported their counters");

        var cluster = stats.GetProperty("cluster");
        Assert.Equal(2, cluster.GetProperty("activeSilos").GetInt32());
        Assert.Equal(2, cluster.GetProperty("answeredSilos").GetInt32());
        Assert.Equal(2, stats.GetProperty("silos").GetArrayLength());
        Assert.True(stats.GetProperty("tokenCache").GetProperty("misses").GetInt64() >= Cluster.ApiHosts.Count);
    }

    [Fact]
    public async Task Every_silo_host_serves_its_dashboard_only_to_admins_and_lists_the_grain_types()
    {
        Assert.Equal(HttpStatusCode.OK, (await MeResponse.GetAsync(Cluster.ApiHosts[0], NewToken())).Status);

        foreach (var silo in Cluster.Silos)
        {
            var anonymous = await silo.Http.GetAsync("/dashboard/");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains(anonymous.Headers.WwwAuthenticate, h => h.Scheme == "Basic");

            using var basic = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
            basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + LocalCluster.AdminKey)));
            Assert.Equal(HttpStatusCode.OK, (await silo.Http.SendAsync(basic)).StatusCode);

            // The dashboard shows the whole cluster from any silo; it refreshes its counters about once a second.
            await Eventually.UntilAsync(
                Eventually.Probe(async () => (await AdminGetAsync(silo, "/dashboard/DashboardCounters")).Contains("TokenValidationGrain", StringComparison.Ordinal)),
                Patience,
                $"{silo.Name}'s dashboard lists TokenValidationGrain");
        }
    }

    [Fact]
    public async Task Silo_hosts_export_the_cache_metrics_their_grains_counted_and_api_hosts_serve_no_dashboard()
    {
        foreach (var host in Cluster.ApiHosts)
        {
            Assert.Equal(HttpStatusCode.OK, (await MeResponse.GetAsync(host, NewToken())).Status);
        }

        await Eventually.UntilAsync(
            Eventually.Probe(async () =>
            {
                var scrapes = await Task.WhenAll(Cluster.Silos.Select(s => s.Http.GetStringAsync("/metrics")));
                return scrapes.Any(m => m.Contains("authcache_token_cache_misses_total", StringComparison.Ordinal))
                    && scrapes.All(m => m.Contains("# TYPE orleans_", StringComparison.Ordinal));
            }),
            Patience,
            "a silo's /metrics counts the token cache misses");

        var api = await Cluster.ApiHosts[0].Http.GetStringAsync("/metrics");
        Assert.Contains("authcache_request_cache_hits_total", api);
        Assert.DoesNotContain("authcache_token_cache_misses_total", api);

        using var dashboard = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        dashboard.Headers.Add("X-Admin-Key", LocalCluster.AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await Cluster.ApiHosts[0].Http.SendAsync(dashboard)).StatusCode);
    }

    private static async Task<JsonElement> StatsAsync(NodeProcess apiHost)
    {
        using var response = await AdminSendAsync(apiHost, "/api/v1/cache/stats");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<string> AdminGetAsync(NodeProcess node, string path)
    {
        using var response = await AdminSendAsync(node, path);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : "";
    }

    private static Task<HttpResponseMessage> AdminSendAsync(NodeProcess node, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Admin-Key", LocalCluster.AdminKey);
        return node.Http.SendAsync(request);
    }
}
