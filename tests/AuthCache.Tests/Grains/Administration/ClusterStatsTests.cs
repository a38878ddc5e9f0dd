using System.Net;
using System.Text.Json;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Grains.Administration;

/// <summary>
/// Cluster-wide stats on a 2-silo TestingHost cluster behind an API host that is an Orleans client. The
/// collection runs one test at a time, so the difference of two stats readings is exactly what a test did.
/// </summary>
[Collection(ClientModeClusterCollection.Name)]
public sealed class ClusterStatsTests(ClientModeClusterFixture fixture)
{
    [Fact]
    public async Task Stats_match_a_scripted_sequence_of_requests_exactly_summed_over_both_silos()
    {
        // 16 valid tokens of 12 users: 12 first tokens, then a second token for 4 of the users. Every token is
        // requested 1 + 3 times; one forged token is requested once.
        const int users = 12, secondTokens = 4, repeats = 3;
        var run = Guid.NewGuid().ToString("N")[..6];
        var tokens = Enumerable.Range(0, users).Select(i => fixture.Token($"user_stats_{run}_{i}", sid: $"sess_a_{i}"))
            .Concat(Enumerable.Range(0, secondTokens).Select(i => fixture.Token($"user_stats_{run}_{i}", sid: $"sess_b_{i}")))
            .ToList();
        var forged = fixture.Issuer.CreateToken("user_forged", key: TestIssuer.CreateRsaKey("rsa-1"), now: fixture.Time.GetUtcNow().UtcDateTime);
        var before = await StatsAsync();

        foreach (var token in tokens)
        {
            for (var i = 0; i < 1 + repeats; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", token)).StatusCode);
            }
        }

        Assert.Equal("bad_signature", (await fixture.Http.GetAsync("/api/v1/me", forged)).ErrorDescription());

        var after = await StatsAsync();
        long Delta(string section, string counter) =>
            after.GetProperty(section).GetProperty(counter).GetInt64() - before.GetProperty(section).GetProperty(counter).GetInt64();

        // The host's near cache answers the repeats: no grain is asked twice for a token.
        Assert.Equal(tokens.Count + 1, Delta("tokenCache", "misses"));
        Assert.Equal(0, Delta("tokenCache", "hits"));
        Assert.Equal(tokens.Count * repeats, Delta("nearCache", "hits"));
        Assert.Equal(tokens.Count + 1, Delta("nearCache", "misses"));
        Assert.Equal(tokens.Count, Delta("tokenCache", "activeEntries"));
        Assert.True(Delta("tokenCache", "approximateBytes") > tokens.Count * 2048);

        // Each user's profile is fetched once (first token); the second tokens of 4 users find it cached.
        Assert.Equal(users, Delta("userProfiles", "fetches"));
        Assert.Equal(secondTokens, Delta("userProfiles", "hits"));
        Assert.Equal(users, Delta("userProfiles", "activeEntries"));

        // /api/v1/me resolves the token again in the endpoint: one request-cache hit per successful request.
        Assert.Equal(tokens.Count * (1 + repeats), Delta("requestCache", "hits"));
        Assert.Equal(1, after.GetProperty("requestCache").GetProperty("apiHosts").GetInt32());
        Assert.Equal(0, after.GetProperty("fallbacks").GetInt64());
        Assert.Equal(0, after.GetProperty("hedgedValidations").GetInt64());

        // The totals are sums over both silos, each as its own process counted it, and both took new entries.
        var cluster = after.GetProperty("cluster");
        Assert.Equal(2, cluster.GetProperty("activeSilos").GetInt32());
        Assert.Equal(2, cluster.GetProperty("answeredSilos").GetInt32());
        var silosBefore = before.GetProperty("silos").EnumerateArray().ToDictionary(s => s.GetProperty("silo").GetString()!);
        var silosAfter = after.GetProperty("silos").EnumerateArray().ToDictionary(s => s.GetProperty("silo").GetString()!);
        var truth = fixture.SiloTruth();
        Assert.Equal(truth.Keys.Order(), silosAfter.Keys.Order());
        foreach (var (address, silo) in silosAfter)
        {
            var (counters, tokenEntries, profileEntries) = truth[address];
            Assert.Equal(counters.TokenCacheHits, silo.GetProperty("tokenCacheHits").GetInt64());
            Assert.Equal(counters.TokenCacheMisses, silo.GetProperty("tokenCacheMisses").GetInt64());
            Assert.Equal(tokenEntries, silo.GetProperty("tokenEntries").GetInt64());
            Assert.Equal(profileEntries, silo.GetProperty("profileEntries").GetInt64());
            var added = tokenEntries - silosBefore[address].GetProperty("tokenEntries").GetInt64();
            Assert.True(added > 0, $"silo {address} should hold some of the new tokens");
        }

        var jwks = after.GetProperty("jwks").EnumerateArray().Single();
        Assert.Equal(fixture.Issuer.Issuer, jwks.GetProperty("issuer").GetString());
        Assert.Equal(["ec-1", "rsa-1"], jwks.GetProperty("keyIds").EnumerateArray().Select(k => k.GetString()).Order());
        Assert.True(jwks.GetProperty("fetchSuccesses").GetInt64() >= 1);
        Assert.Equal(0, jwks.GetProperty("fetchFailures").GetInt64());
        Assert.False(jwks.GetProperty("isStale").GetBoolean());
        Assert.True(jwks.GetProperty("nextRefresh").GetDateTimeOffset() > jwks.GetProperty("lastRefresh").GetDateTimeOffset());
    }

    private async Task<JsonElement> StatsAsync()
    {
        var response = await fixture.Http.GetAsync("/api/v1/cache/stats", adminKey: ClientModeClusterFixture.AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
