using System.Net;
using System.Text.Json;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.AspNetCore.Endpoints;

[Collection(ApiHostCollection.Name)]
public sealed class AdminApiTests(ApiHostFixture fixture)
{
    [Fact]
    public async Task Stats_need_the_admin_key()
    {
        var anonymous = await fixture.Http.GetAsync("/api/v1/cache/stats");
        var wrongKey = await fixture.Http.GetAsync("/api/v1/cache/stats", adminKey: "not-the-key");
        var nonAdmin = await fixture.Http.GetAsync("/api/v1/cache/stats", bearer: fixture.Issuer.CreateToken("user_plain"));
        var admin = await fixture.Http.GetAsync("/api/v1/cache/stats", adminKey: ApiHostFixture.AdminKey);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nonAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task A_token_with_the_admin_role_may_read_stats()
    {
        var token = fixture.Issuer.CreateToken("user_admin", extraClaims: new Dictionary<string, object> { ["role"] = "admin" });

        var response = await fixture.Http.GetAsync("/api/v1/cache/stats", bearer: token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Stats_count_one_miss_then_near_cache_hits_for_a_new_token()
    {
        var before = await StatsAsync();
        var token = fixture.Issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", token)).StatusCode);
        }

        var after = await StatsAsync();
        var cacheBefore = before.GetProperty("tokenCache");
        var cacheAfter = after.GetProperty("tokenCache");
        Assert.Equal(1, cacheAfter.GetProperty("misses").GetInt64() - cacheBefore.GetProperty("misses").GetInt64());
        Assert.Equal(0, cacheAfter.GetProperty("hits").GetInt64() - cacheBefore.GetProperty("hits").GetInt64());
        Assert.Equal(3, after.GetProperty("nearCache").GetProperty("hits").GetInt64() - before.GetProperty("nearCache").GetProperty("hits").GetInt64());
        Assert.True(after.GetProperty("nearCache").GetProperty("entries").GetInt64() >= 1);
        Assert.True(cacheAfter.GetProperty("activeEntries").GetInt64() >= 1);
        var jwks = after.GetProperty("jwks").EnumerateArray().Single(j => j.GetProperty("issuer").GetString() == fixture.Issuer.Issuer);
        Assert.Contains("rsa-1", jwks.GetProperty("keyIds").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task Health_is_anonymous_and_shows_details_only_to_admins()
    {
        var anonymous = await fixture.Http.GetAsync("/api/v1/cache/health");
        var admin = await fixture.Http.GetAsync("/api/v1/cache/health", adminKey: ApiHostFixture.AdminKey);

        var anonymousBody = await anonymous.JsonAsync();
        var adminBody = await admin.JsonAsync();
        Assert.True(anonymousBody.TryGetProperty("status", out _));
        Assert.False(anonymousBody.TryGetProperty("checks", out _));
        var checks = adminBody.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("Healthy", checks["orleans-cluster"].GetProperty("status").GetString());
        // One configured issuer has no reachable key endpoint, so the key check names it.
        Assert.Equal("Unhealthy", checks["jwks"].GetProperty("status").GetString());
        Assert.Contains(fixture.UnreachableIssuer, checks["jwks"].GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymous.StatusCode);
    }

    [Fact]
    public async Task Liveness_stays_up_whatever_the_dependencies_say()
    {
        var response = await fixture.Http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Development_issuer_is_not_served_outside_development()
    {
        var response = await fixture.Http.GetAsync("/dev/token");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<JsonElement> StatsAsync()
    {
        var response = await fixture.Http.GetAsync("/api/v1/cache/stats", adminKey: ApiHostFixture.AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
