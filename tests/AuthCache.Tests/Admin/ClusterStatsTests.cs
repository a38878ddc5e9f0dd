using System.Net;
using System.Text.Json;
using AuthCache.Tests.Api;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Admin;

/// <summary>Cluster-wide stats on a 2-silo TestingHost cluster behind an API host that is an Orleans client.</summary>
public sealed class ClusterStatsTests(ClientModeClusterFixture fixture) : IClassFixture<ClientModeClusterFixture>
{
    [Fact]
    public async Task Stats_match_a_scripted_sequence_of_requests_exactly_summed_over_both_silos()
    {
        // 16 valid tokens of 12 users: 12 first tokens, then a second token for 4 of the users. Every token is
        // requested 1 + 3 times; one forged token is requested once.
        const int users = 12, secondTokens = 4, repeats = 3;
        var tokens = Enumerable.Range(0, users).Select(i => fixture.Token($"user_stats_{i}", sid: $"sess_a_{i}"))
            .Concat(Enumerable.Range(0, secondTokens).Select(i => fixture.Token($"user_stats_{i}", sid: $"sess_b_{i}")))
            .ToList();
        var forged = fixture.Issuer.CreateToken("user_forged", key: TestIssuer.CreateRsaKey("rsa-1"), now: fixture.Time.GetUtcNow().UtcDateTime);

        foreach (var token in tokens)
        {
            for (var i = 0; i < 1 + repeats; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", token)).StatusCode);
            }
        }

        Assert.Equal("bad_signature", (await fixture.Http.GetAsync("/api/v1/me", forged)).ErrorDescription());

        var stats = await StatsAsync();

        var misses = tokens.Count + 1;
        var hits = tokens.Count * repeats;
        var tokenCache = stats.GetProperty("tokenCache");
        Assert.Equal(misses, tokenCache.GetProperty("misses").GetInt64());
        Assert.Equal(hits, tokenCache.GetProperty("hits").GetInt64());
        Assert.Equal((double)hits / (hits + misses), tokenCache.GetProperty("hitRate").GetDouble(), 10);
        Assert.Equal(tokens.Count, tokenCache.GetProperty("activeEntries").GetInt64());
        Assert.True(tokenCache.GetProperty("approximateBytes").GetInt64() > tokens.Count * 2048);

        // Each user's profile is fetched once (first token); the second tokens of 4 users find it cached.
        var profiles = stats.GetProperty("userProfiles");
        Assert.Equal(users, profiles.GetProperty("fetches").GetInt64());
        Assert.Equal(secondTokens, profiles.GetProperty("hits").GetInt64());
        Assert.Equal(users, profiles.GetProperty("activeEntries").GetInt64());

        // /api/v1/me resolves the token again in the endpoint: one request-cache hit per successful request.
        var requestCache = stats.GetProperty("requestCache");
        Assert.Equal(tokens.Count * (1 + repeats), requestCache.GetProperty("hits").GetInt64());
        Assert.Equal(1, requestCache.GetProperty("apiHosts").GetInt32());
        Assert.Equal(0, stats.GetProperty("fallbacks").GetInt64());

        // The totals are sums over both silos, each as its own process counted it, and both hold entries.
        var cluster = stats.GetProperty("cluster");
        Assert.Equal(2, cluster.GetProperty("activeSilos").GetInt32());
        Assert.Equal(2, cluster.GetProperty("answeredSilos").GetInt32());
        var silos = stats.GetProperty("silos").EnumerateArray().ToList();
        var truth = fixture.SiloTruth();
        Assert.Equal(truth.Keys.Order(), silos.Select(s => s.GetProperty("silo").GetString()!).Order());
        foreach (var silo in silos)
        {
            var (counters, tokenEntries, profileEntries) = truth[silo.GetProperty("silo").GetString()!];
            Assert.Equal(counters.TokenCacheHits, silo.GetProperty("tokenCacheHits").GetInt64());
            Assert.Equal(counters.TokenCacheMisses, silo.GetProperty("tokenCacheMisses").GetInt64());
            Assert.Equal(tokenEntries, silo.GetProperty("tokenEntries").GetInt64());
            Assert.Equal(profileEntries, silo.GetProperty("profileEntries").GetInt64());
            Assert.True(tokenEntries > 0, "every silo should hold some of the validated tokens");
        }

        var jwks = stats.GetProperty("jwks").EnumerateArray().Single();
        Assert.Equal(fixture.Issuer.Issuer, jwks.GetProperty("issuer").GetString());
        Assert.Equal(["ec-1", "rsa-1"], jwks.GetProperty("keyIds").EnumerateArray().Select(k => k.GetString()).Order());
        Assert.Equal(1, jwks.GetProperty("fetchSuccesses").GetInt64());
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
