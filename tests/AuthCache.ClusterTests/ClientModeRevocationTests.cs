using System.Net;
using AuthCache.ClusterTests.Infrastructure;
using AuthCache.GrainInterfaces;

namespace AuthCache.ClusterTests;

/// <summary>
/// Revocations in the cluster deployment: 2 silo processes and 2 API hosts as Orleans clients, each host with its
/// own near cache and its own copy of the revocation list.
/// </summary>
public sealed class ClientModeRevocationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_session_revoked_through_one_host_is_refused_at_once_by_the_other_from_its_near_cache_and_on_every_path_once_the_silos_are_gone()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 2, apiHosts: 2);
        var (first, second) = (cluster.ApiHosts[0], cluster.ApiHosts[1]);
        var sid = NewId("sess_");
        var revoked = cluster.Issuer.CreateToken(NewId("user_"), sid: sid);
        var other = cluster.Issuer.CreateToken(NewId("user_"), sid: NewId("sess_"));
        foreach (var host in cluster.ApiHosts)
        {
            foreach (var token in new[] { revoked, other })
            {
                await NearCachedAsync(cluster, host, token);
            }
        }

        var (status, body) = await AdminRequests.RevokeAsync(first, "sid", sid);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("confirmedSilos").GetInt32());
        Assert.Equal(2, body.GetProperty("confirmedHosts").GetInt32());
        Assert.Empty(body.GetProperty("unconfirmedHosts").EnumerateArray());
        foreach (var host in new[] { second, first })
        {
            AssertRevoked(await MeResponse.GetAsync(host, revoked));
            AssertRevoked(await MeResponse.GetAsync(host, revoked, path: "/api/v1/direct/me"));
            var untouched = await MeResponse.GetAsync(host, other);
            Assert.Equal((HttpStatusCode.OK, "NearCache"), (untouched.Status, untouched.Source));
        }

        foreach (var silo in cluster.Silos)
        {
            await silo.KillAsync();
        }

        // Without any silo each host validates by itself: its copy of the list still refuses the session, a token of
        // it that no grain ever saw included, and every other session still gets in.
        var unseen = cluster.Issuer.CreateToken(NewId("user_"), sid: sid);
        foreach (var host in cluster.ApiHosts)
        {
            await Eventually.UntilAsync(
                Eventually.Probe(async () => (await MeResponse.GetAsync(host, other)) is { Status: HttpStatusCode.OK, Source: "Fallback" or "Hedged" }),
                Patience, $"{host.Name} validating by itself", cluster.Describe);
            AssertRevoked(await MeResponse.GetAsync(host, revoked));
            AssertRevoked(await MeResponse.GetAsync(host, unseen));

            Assert.Equal(HttpStatusCode.OK, (await MeResponse.GetAsync(host, cluster.Issuer.CreateToken(NewId("user_"), sid: NewId("sess_")))).Status);
        }
    }

    [Fact]
    public async Task A_host_frozen_during_a_revocation_is_named_unconfirmed_and_once_resumed_refuses_the_revoked_token_on_its_first_request()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 2, apiHosts: 2);
        var (first, second) = (cluster.ApiHosts[0], cluster.ApiHosts[1]);
        var sid = NewId("sess_");
        var revoked = cluster.Issuer.CreateToken(NewId("user_"), sid: sid);
        var other = cluster.Issuer.CreateToken(NewId("user_"), sid: NewId("sess_"));
        await NearCachedAsync(cluster, second, revoked);
        await NearCachedAsync(cluster, second, other);

        second.Pause();
        (HttpStatusCode Status, System.Text.Json.JsonElement Body) revocation;
        try
        {
            revocation = await AdminRequests.RevokeAsync(first, "sid", sid);
        }
        finally
        {
            second.Resume();
        }

        Assert.Equal(HttpStatusCode.Accepted, revocation.Status);
        Assert.Equal(1, revocation.Body.GetProperty("confirmedHosts").GetInt32());
        Assert.Single(revocation.Body.GetProperty("unconfirmedHosts").EnumerateArray());
        Assert.Empty(revocation.Body.GetProperty("unconfirmedSilos").EnumerateArray());

        // Its copy is older than MaxReplicaLag: it resynchronises before answering (a delta that carries the revocation
        // and leaves its other copies standing), or, if that takes longer than FallbackAfter, answers from no copy.
        AssertRevoked(await MeResponse.GetAsync(second, revoked));
        var otherAfterResume = await MeResponse.GetAsync(second, other);
        Assert.Equal(HttpStatusCode.OK, otherAfterResume.Status);
        Assert.Contains(otherAfterResume.Source, new[] { "NearCache", "Cluster" });

        // Once it has caught up, it answers from its copies again, and never the revoked session.
        await NearCachedAsync(cluster, second, other);
        AssertRevoked(await MeResponse.GetAsync(second, revoked));
    }

    private static void AssertRevoked(MeResponse answer)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Contains($"error_description=\"{AuthFailureReason.Revoked}\"", answer.Reason);
    }

    /// <summary>Asks until the host answers the token from its near cache (its copy of the list must be in sync first).</summary>
    private static Task NearCachedAsync(LocalCluster cluster, NodeProcess host, string token) =>
        Eventually.UntilAsync(
            Eventually.Probe(async () => (await MeResponse.GetAsync(host, token)) is { Status: HttpStatusCode.OK, Source: "NearCache" }),
            Patience, $"{host.Name} answering a token from its near cache", cluster.Describe);
}
