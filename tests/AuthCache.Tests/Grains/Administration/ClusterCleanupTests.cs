using System.Net;
using System.Text.Json;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Grains.Administration;

/// <summary>Cleanup over every silo of a 2-silo TestingHost cluster, driven through the API host.</summary>
[Collection(ClientModeClusterCollection.Name)]
public sealed class ClusterCleanupTests(ClientModeClusterFixture fixture)
{
    [Fact]
    public async Task Cleanup_drops_exactly_the_expired_entries_on_every_silo_and_keeps_the_rest()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var shortLived = Enumerable.Range(0, 8).Select(i => fixture.Token($"user_short_{run}_{i}", TimeSpan.FromMinutes(2))).ToList();
        var longLived = Enumerable.Range(0, 8).Select(i => fixture.Token($"user_long_{run}_{i}", TimeSpan.FromMinutes(30))).ToList();
        foreach (var token in shortLived.Concat(longLived))
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", token)).StatusCode);
        }

        var before = await StatsAsync();

        // Past the short tokens' expiry (2 min), before the cache TTL of the others (5 min) and of profiles (5 min).
        fixture.Time.Advance(TimeSpan.FromMinutes(3));
        var expired = await CleanupAsync("/api/v1/cache/cleanup");

        Assert.Equal("expired", expired.GetProperty("scope").GetString());
        Assert.Equal(shortLived.Count, expired.GetProperty("tokensRemoved").GetInt64());
        Assert.Equal(0, expired.GetProperty("profilesRemoved").GetInt64());
        Assert.Equal(2, expired.GetProperty("silos").GetInt32());
        var after = await StatsAsync();
        Assert.Equal(Entries(before, "tokenCache") - shortLived.Count, Entries(after, "tokenCache"));

        // The entries that were kept still answer from the cache.
        var hitsBefore = after.GetProperty("tokenCache").GetProperty("hits").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", longLived[0])).StatusCode);
        Assert.Equal(hitsBefore + 1, (await StatsAsync()).GetProperty("tokenCache").GetProperty("hits").GetInt64());

        // Past the cache TTL of everything cached so far (this test's and any earlier test's): all of it expires.
        var remaining = await StatsAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(3));
        var rest = await CleanupAsync("/api/v1/cache/cleanup?scope=expired");
        Assert.Equal(Entries(remaining, "tokenCache"), rest.GetProperty("tokensRemoved").GetInt64());
        Assert.Equal(Entries(remaining, "userProfiles"), rest.GetProperty("profilesRemoved").GetInt64());
        Assert.True(rest.GetProperty("tokensRemoved").GetInt64() >= longLived.Count);
        Assert.True(rest.GetProperty("profilesRemoved").GetInt64() >= shortLived.Count + longLived.Count);
        var empty = await StatsAsync();
        Assert.Equal(0, Entries(empty, "tokenCache"));
        Assert.Equal(0, Entries(empty, "userProfiles"));
    }

    [Fact]
    public async Task Emergency_clear_drops_every_validation_and_profile_and_the_next_request_validates_again()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var tokens = Enumerable.Range(0, 10).Select(i => fixture.Token($"user_clear_{run}_{i}", TimeSpan.FromHours(1))).ToList();
        foreach (var token in tokens)
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", token)).StatusCode);
        }

        var before = await StatsAsync();
        var cleared = await CleanupAsync("/api/v1/cache/cleanup?scope=all");

        Assert.Equal("all", cleared.GetProperty("scope").GetString());
        Assert.Equal(Entries(before, "tokenCache"), cleared.GetProperty("tokensRemoved").GetInt64());
        Assert.Equal(Entries(before, "userProfiles"), cleared.GetProperty("profilesRemoved").GetInt64());
        Assert.True(cleared.GetProperty("tokensRemoved").GetInt64() >= tokens.Count);
        var after = await StatsAsync();
        Assert.Equal(0, Entries(after, "tokenCache"));
        Assert.Equal(0, Entries(after, "userProfiles"));
        Assert.All(fixture.SiloTruth().Values, silo => Assert.Equal(0, silo.TokenEntries));

        var missesBefore = after.GetProperty("tokenCache").GetProperty("misses").GetInt64();
        var again = await fixture.Http.GetAsync("/api/v1/me", tokens[0]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False((await again.JsonAsync()).GetProperty("fromCache").GetBoolean());
        Assert.Equal(missesBefore + 1, (await StatsAsync()).GetProperty("tokenCache").GetProperty("misses").GetInt64());
    }

    private static long Entries(JsonElement stats, string cache) => stats.GetProperty(cache).GetProperty("activeEntries").GetInt64();

    private async Task<JsonElement> CleanupAsync(string path)
    {
        var response = await fixture.Http.PostAsync(path, adminKey: ClientModeClusterFixture.AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<JsonElement> StatsAsync()
    {
        var response = await fixture.Http.GetAsync("/api/v1/cache/stats", adminKey: ClientModeClusterFixture.AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
