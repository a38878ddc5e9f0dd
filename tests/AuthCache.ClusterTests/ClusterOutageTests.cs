using System.Net;
using AuthCache.ClusterTests.Infrastructure;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary>No silo at all: the API hosts validate tokens themselves and return to the cache when a silo is back.</summary>
public sealed class ClusterOutageTests
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Stopping_every_silo_falls_back_to_direct_validation_and_a_returning_silo_restores_the_cache_from_redis()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 2, apiHosts: 2);
        var token = cluster.Issuer.CreateToken("user_outage");
        Assert.Equal("Cluster", (await MeResponse.GetAsync(cluster.ApiHosts[0], token)).Source);

        await Task.WhenAll(cluster.Silos.Select(s => s.TerminateAsync(TimeSpan.FromSeconds(60))));

        foreach (var host in cluster.ApiHosts)
        {
            await Eventually.UntilAsync(
                Eventually.Probe(async () => (await MeResponse.GetAsync(host, token)) is { Status: HttpStatusCode.OK, Source: "Fallback" }),
                Recovery, $"{host.Name} validating directly", cluster.Describe);
            var fresh = await MeResponse.GetAsync(host, cluster.Issuer.CreateToken("user_during_outage"));
            var forged = await MeResponse.GetAsync(host, cluster.Issuer.CreateToken("user_forged", key: TestIssuer.CreateRsaKey(cluster.Issuer.Rsa.KeyId)));
            var ready = await HealthResponse.GetAsync(host, "/health/ready");
            var live = await HealthResponse.GetAsync(host, "/health/live");

            Assert.Equal((HttpStatusCode.OK, "Fallback"), (fresh.Status, fresh.Source));
            Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
            Assert.Contains("bad_signature", forged.Reason);
            // Still in the load balancer (it can authenticate), but no longer reported Healthy.
            Assert.Equal((HttpStatusCode.OK, "Degraded"), (ready.Status, ready.Report));
            Assert.Equal((HttpStatusCode.OK, "Healthy"), (live.Status, live.Report));
        }

        // The whole cluster restarts while the issuer is down too: the new silo's JwksGrain starts from the
        // last-known-good keys in Redis grain storage, so the cluster path validates again without the issuer.
        cluster.Issuer.Mode = JwksMode.ServerError;
        await cluster.StartSiloAsync();

        // A grain answer that came after the hedge went into the near cache: its copy is an answer of the cluster too.
        foreach (var host in cluster.ApiHosts)
        {
            await Eventually.UntilAsync(
                Eventually.Probe(async () => (await MeResponse.GetAsync(host, token)) is { Status: HttpStatusCode.OK, Source: "Cluster" or "NearCache" }),
                Recovery, $"{host.Name} back on the cluster", cluster.Describe);
        }

        cluster.Issuer.Mode = JwksMode.Normal;
        foreach (var host in cluster.ApiHosts)
        {
            await Eventually.UntilAsync(
                Eventually.Probe(async () => (await HealthResponse.GetAsync(host, "/health/ready")).Report == "Healthy"),
                Recovery, $"{host.Name} Healthy again", cluster.Describe);
        }

        Assert.All(await cluster.MembershipAsync(), r => Assert.Contains(r.Status, new[] { "Active", "Dead" }));
    }

    [Fact]
    public async Task An_api_host_started_before_any_silo_serves_by_direct_validation_and_joins_the_cluster_when_one_starts()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 0, apiHosts: 0);
        var host = await cluster.StartApiHostAsync(waitForCluster: false);
        var token = cluster.Issuer.CreateToken("user_cold_start");

        var before = await MeResponse.GetAsync(host, token);
        var ready = await HealthResponse.GetAsync(host, "/health/ready");

        Assert.Equal((HttpStatusCode.OK, "Fallback"), (before.Status, before.Source));
        Assert.Equal((HttpStatusCode.OK, "Degraded"), (ready.Status, ready.Report));

        await cluster.StartSiloAsync();

        await Eventually.UntilAsync(
            Eventually.Probe(async () => (await MeResponse.GetAsync(host, token)) is { Status: HttpStatusCode.OK, Source: "Cluster" or "NearCache" }),
            Recovery, "the API host connected and using the cluster", cluster.Describe);
    }
}
