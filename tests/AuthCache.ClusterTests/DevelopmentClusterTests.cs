using System.Net;
using AuthCache.ClusterTests.Infrastructure;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary>The local cluster of docs/cluster-mode.md: every process trusts the development issuer of the first API host.</summary>
public sealed class DevelopmentClusterTests
{
    [Fact]
    public async Task A_local_cluster_trusts_the_development_issuer_served_by_its_first_api_host()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 0, apiHosts: 0);
        var port = FreePort.Next();
        var trustTheHost = new Dictionary<string, string> { ["AuthCache__Issuers__0__Issuer"] = $"http://127.0.0.1:{port}/dev/issuer" };
        var host = await cluster.StartApiHostAsync(
            waitForCluster: false,
            new Dictionary<string, string>(trustTheHost) { ["ASPNETCORE_ENVIRONMENT"] = "Development" },
            port);
        await cluster.StartSiloAsync(trustTheHost);
        var token = await host.Http.GetStringAsync("/dev/token?sub=user_local_cluster");

        await Eventually.UntilAsync(
            Eventually.Probe(async () => (await MeResponse.GetAsync(host, token)) is { Status: HttpStatusCode.OK, Source: "Cluster", Subject: "user_local_cluster" }),
            TimeSpan.FromSeconds(60), "the development issuer's token validated by the silo", cluster.Describe);
    }
}
