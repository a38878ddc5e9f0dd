using System.Net;
using AuthCache.ClusterTests.Infrastructure;
using StackExchange.Redis;

namespace AuthCache.ClusterTests;

/// <summary>
/// Redis with the users the deployment ships (in-cluster-redis/users.acl): silos connect as the silo user, API hosts
/// in client mode as the client user, which may only read the membership table.
/// </summary>
public sealed class RedisUsersTests
{
    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task An_api_host_whose_redis_user_only_reads_the_membership_table_validates_and_revokes_through_the_cluster()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 1, apiHosts: 1, redisUsers: true);
        var host = cluster.ApiHosts[0];
        var sid = NewId("sess_");
        var token = cluster.Issuer.CreateToken(NewId("user_"), sid: sid);

        var first = await MeResponse.GetAsync(host, token);
        Assert.Equal((HttpStatusCode.OK, "Cluster"), (first.Status, first.Source));

        var (status, body) = await AdminRequests.RevokeAsync(host, "sid", sid);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("confirmedHosts").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeResponse.GetAsync(host, token)).Status);
        Assert.DoesNotContain(host.Output, line => line.Contains("NOPERM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_client_redis_user_can_read_the_membership_table_and_nothing_else()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 1, apiHosts: 0, redisUsers: true);
        var host = await cluster.StartApiHostAsync();
        var sid = NewId("sess_");
        Assert.Equal(HttpStatusCode.OK, (await MeResponse.GetAsync(host, cluster.Issuer.CreateToken(NewId("user_"), sid: sid))).Status);
        Assert.Equal(HttpStatusCode.OK, (await AdminRequests.RevokeAsync(host, "sid", sid)).Status);
        var stored = await cluster.Redis.Connection.GetServer(cluster.Redis.Connection.GetEndPoints().Single())
            .KeysAsync(pattern: $"{LocalCluster.ServiceId}/*").ToListAsync();
        var state = stored.Where(key => key != cluster.MembershipKey).ToList();
        Assert.Contains(state, key => key.ToString().Contains("revocation", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(state, key => key.ToString().Contains(cluster.Issuer.Issuer, StringComparison.Ordinal));

        await using var client = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ClientConnectionString);
        var database = client.GetDatabase();

        Assert.Contains(
            (await database.HashGetAllAsync(cluster.MembershipKey)).Where(row => row.Name != "Version").Select(row => MembershipRow.Parse(row.Value.ToString())),
            row => row.Status == "Active");
        foreach (var key in state)
        {
            await AssertRefusedAsync(database.KeyTypeAsync(key));
            await AssertRefusedAsync(database.HashGetAllAsync(key));
        }

        await AssertRefusedAsync(database.HashSetAsync(cluster.MembershipKey, "S10.0.0.1:11111:1", "{}"));
        await AssertRefusedAsync(database.KeyDeleteAsync(cluster.MembershipKey));
        await AssertRefusedAsync(database.StringSetAsync($"{LocalCluster.ServiceId}/members/x", "forged"));
        await AssertRefusedAsync(database.ExecuteAsync("FLUSHALL"));
    }

    private static async Task AssertRefusedAsync(Task command)
    {
        var refusal = await Assert.ThrowsAsync<RedisServerException>(() => command);
        Assert.StartsWith("NOPERM", refusal.Message, StringComparison.Ordinal);
    }
}
