using System.Net;
using System.Text.Json;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.AspNetCore.Caching;

/// <summary>The API host's near cache (it hosts a silo) over real HTTP.</summary>
[Collection(ApiHostCollection.Name)]
public sealed class NearCacheApiTests(ApiHostFixture fixture)
{
    [Fact]
    public async Task A_repeated_token_is_answered_by_the_near_cache_without_a_grain_call()
    {
        var subject = "user_near_" + Guid.NewGuid().ToString("N");
        var token = fixture.Issuer.CreateToken(subject);
        var before = await StatsAsync();

        var first = await MeAsync(token);
        var second = await MeAsync(token);
        var third = await MeAsync(token);

        Assert.Equal(("Cluster", false), Source(first));
        Assert.Equal(("NearCache", true), Source(second));
        Assert.Equal(("NearCache", true), Source(third));
        Assert.Equal(subject, third.GetProperty("subject").GetString());
        Assert.Equal(subject + "@example.com", third.GetProperty("profile").GetProperty("primaryEmail").GetString());
        var after = await StatsAsync();
        Assert.Equal(1, Counter(after, before, "tokenCache", "misses"));
        Assert.Equal(0, Counter(after, before, "tokenCache", "hits"));
        Assert.Equal(2, Counter(after, before, "nearCache", "hits"));
    }

    [Fact]
    public async Task Emergency_clear_drops_the_near_cache_copies_and_the_next_request_validates_again()
    {
        var token = fixture.Issuer.CreateToken("user_near_clear_" + Guid.NewGuid().ToString("N"));
        await MeAsync(token);
        Assert.Equal(("NearCache", true), Source(await MeAsync(token)));

        var cleared = await fixture.Http.PostAsync("/api/v1/cache/cleanup?scope=all", adminKey: ApiHostFixture.AdminKey);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);

        // The embedded silo evicted its own entries when its subscription received the cleanup, and said what it dropped.
        var result = await cleared.JsonAsync();
        Assert.Equal(1, result.GetProperty("silos").GetInt32());
        Assert.Empty(result.GetProperty("unreachableSilos").EnumerateArray());
        Assert.True(result.GetProperty("tokensRemoved").GetInt64() >= 1);
        Assert.Equal(("Cluster", false), Source(await MeAsync(token)));
        Assert.Equal(("NearCache", true), Source(await MeAsync(token)));
    }

    [Fact]
    public async Task Garbage_never_reaches_the_near_cache()
    {
        var token = fixture.Issuer.CreateToken("user_near_garbage_" + Guid.NewGuid().ToString("N"));
        var parts = token.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + parts[2][..^4] + "AAAA";

        foreach (var attempt in new[] { forged, forged })
        {
            var response = await fixture.Http.GetAsync("/api/v1/me", attempt);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("bad_signature", response.ErrorDescription());
        }
    }

    private async Task<JsonElement> MeAsync(string token)
    {
        var response = await fixture.Http.GetAsync("/api/v1/me", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static (string?, bool) Source(JsonElement me) => (me.GetProperty("source").GetString(), me.GetProperty("fromCache").GetBoolean());

    private static long Counter(JsonElement after, JsonElement before, string cache, string counter) =>
        after.GetProperty(cache).GetProperty(counter).GetInt64() - before.GetProperty(cache).GetProperty(counter).GetInt64();

    private async Task<JsonElement> StatsAsync()
    {
        var response = await fixture.Http.GetAsync("/api/v1/cache/stats", adminKey: ApiHostFixture.AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
