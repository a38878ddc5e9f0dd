using System.Net;
using AuthCache.ClusterTests.Infrastructure;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary>A signing key the issuer removed, in the cluster deployment: 2 silo processes and 2 client-mode API hosts.</summary>
public sealed class ClusterKeyRetirementTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_key_the_issuer_removed_is_refused_by_every_host_on_every_path_once_the_refresh_returns_and_after_the_silos_are_gone()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 2, apiHosts: 2);
        var retiring = TestIssuer.CreateEcKey("retiring-" + Guid.NewGuid().ToString("N")[..8]);
        cluster.Issuer.Publish(retiring);
        var token = cluster.Issuer.CreateToken("user_retiring", key: retiring);
        var other = cluster.Issuer.CreateToken("user_other");
        foreach (var host in cluster.ApiHosts)
        {
            await Eventually.UntilAsync(
                Eventually.Probe(async () => (await MeResponse.GetAsync(host, token)) is { Status: HttpStatusCode.OK, Source: "NearCache" }),
                Patience, $"{host.Name} answering the token from its near cache", cluster.Describe);
            Assert.Equal(HttpStatusCode.OK, (await MeResponse.GetAsync(host, token, path: "/api/v1/direct/me")).Status);
        }

        cluster.Issuer.Unpublish(retiring.KeyId);
        var (status, body) = await AdminRequests.RefreshKeysAsync(cluster.ApiHosts[0]);

        Assert.Equal(HttpStatusCode.OK, status);
        var refreshed = body.GetProperty("issuers").EnumerateArray().Single();
        Assert.Equal([retiring.KeyId], refreshed.GetProperty("retiredKeyIds").EnumerateArray().Select(k => k.GetString()));
        Assert.True(refreshed.GetProperty("retirementConfirmed").GetBoolean());
        var unseen = cluster.Issuer.CreateToken("user_unseen", key: retiring);
        foreach (var host in cluster.ApiHosts)
        {
            foreach (var path in new[] { "/api/v1/me", "/api/v1/direct/me" })
            {
                AssertRetired(await MeResponse.GetAsync(host, token, path: path));
                AssertRetired(await MeResponse.GetAsync(host, unseen, path: path));
            }
        }

        foreach (var silo in cluster.Silos)
        {
            await silo.KillAsync();
        }

        foreach (var host in cluster.ApiHosts)
        {
            await Eventually.UntilAsync(
                Eventually.Probe(async () => (await MeResponse.GetAsync(host, other)) is { Status: HttpStatusCode.OK, Source: "Fallback" or "Hedged" }),
                Patience, $"{host.Name} validating by itself", cluster.Describe);
            AssertRetired(await MeResponse.GetAsync(host, token));
            AssertRetired(await MeResponse.GetAsync(host, unseen));
        }
    }

    private static void AssertRetired(MeResponse answer)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Contains($"error_description=\"{AuthFailureReason.UnknownKey}\"", answer.Reason);
    }
}
