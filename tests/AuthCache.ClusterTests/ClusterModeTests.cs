using System.Net;
using AuthCache.ClusterTests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary>Two silos on Redis clustering and two API hosts as Orleans clients, all real processes.</summary>
[Collection(SteadyClusterCollection.Name)]
public sealed class ClusterModeTests(SteadyClusterFixture fixture)
{
    private LocalCluster Cluster => fixture.Cluster;

    private string NewToken() => Cluster.Issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Tokens_validate_through_either_api_host()
    {
        foreach (var host in Cluster.ApiHosts)
        {
            var token = NewToken();
            var me = await MeResponse.GetAsync(host, token);

            Assert.Equal(HttpStatusCode.OK, me.Status);
            Assert.Equal("Cluster", me.Source);
            Assert.False(me.FromCache);
        }
    }

    [Fact]
    public async Task A_token_cached_through_one_host_is_a_cache_hit_through_the_other()
    {
        var token = NewToken();

        var first = await MeResponse.GetAsync(Cluster.ApiHosts[0], token);
        var second = await MeResponse.GetAsync(Cluster.ApiHosts[1], token);

        Assert.Equal((HttpStatusCode.OK, "Cluster", false), (first.Status, first.Source, first.FromCache));
        Assert.Equal((HttpStatusCode.OK, "Cluster", true), (second.Status, second.Source, second.FromCache));
        Assert.Equal(first.Subject, second.Subject);
    }

    [Fact]
    public async Task Signing_keys_are_fetched_once_for_the_whole_cluster()
    {
        var tokens = Enumerable.Range(0, 8).Select(_ => NewToken()).ToList();

        var answers = await Task.WhenAll(tokens.SelectMany(t => Cluster.ApiHosts.Select(h => MeResponse.GetAsync(h, t))));

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "Cluster"), (a.Status, a.Source)));
        // Two silos, two API hosts, sixteen requests for eight tokens: one key fetch, by the issuer's one JwksGrain.
        Assert.Equal(1, Cluster.Issuer.JwksFetches);
    }

    [Fact]
    public async Task The_redis_membership_table_lists_both_silos_as_active()
    {
        var rows = await Cluster.MembershipAsync();

        var active = rows.Where(r => r.Status == "Active").ToList();
        Assert.Equal(
            Cluster.Silos.Select(Cluster.SiloPortOf).Order(),
            active.Select(r => r.SiloPort).Order());
        Assert.All(active, r => Assert.StartsWith("127.0.0.1:", r.SiloAddress));
        Assert.All(active, r => Assert.Equal($"silo-{r.SiloPort}", r.SiloName));
    }

    [Fact]
    public async Task The_issuers_last_known_good_keys_are_kept_in_redis_grain_storage()
    {
        Assert.Equal(HttpStatusCode.OK, (await MeResponse.GetAsync(Cluster.ApiHosts[0], NewToken())).Status);

        var server = Cluster.Redis.Connection.GetServer(Cluster.Redis.Connection.GetEndPoints().Single());
        var keys = await server.KeysAsync(pattern: $"*{Cluster.Issuer.Issuer}*").ToListAsync();

        var stored = await Cluster.Redis.Database.HashGetAllAsync(Assert.Single(keys));
        Assert.Contains(stored, field => ((string?)field.Value ?? "").Contains($"\"{Cluster.Issuer.Rsa.KeyId}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_forged_token_is_rejected_with_its_reason_through_the_cluster()
    {
        var forged = Cluster.Issuer.CreateToken("user_forged", key: Tests.Infrastructure.TestIssuer.CreateRsaKey(Cluster.Issuer.Rsa.KeyId));

        var me = await MeResponse.GetAsync(Cluster.ApiHosts[1], forged);

        Assert.Equal(HttpStatusCode.Unauthorized, me.Status);
        Assert.Contains("bad_signature", me.Reason);
    }

    [Fact]
    public async Task Api_hosts_and_silos_report_ready_and_live()
    {
        foreach (var node in Cluster.Silos.Concat(Cluster.ApiHosts))
        {
            var ready = await HealthResponse.GetAsync(node, "/health/ready");
            var live = await HealthResponse.GetAsync(node, "/health/live");

            Assert.Equal((HttpStatusCode.OK, "Healthy"), (ready.Status, ready.Report));
            Assert.Equal((HttpStatusCode.OK, "Healthy"), (live.Status, live.Report));
        }
    }

    [Fact]
    public async Task No_raw_token_appears_in_any_process_output()
    {
        var token = NewToken();
        await MeResponse.GetAsync(Cluster.ApiHosts[0], token);
        await MeResponse.GetAsync(Cluster.ApiHosts[1], token);

        var signature = token[(token.LastIndexOf('.') + 1)..];
        Assert.All(Cluster.Silos.Concat(Cluster.ApiHosts), node =>
            Assert.DoesNotContain(node.Output, line => line.Contains(signature, StringComparison.Ordinal)));
    }
}
