using AuthCache.AspNetCore.Caching;
using AuthCache.GrainInterfaces;

namespace AuthCache.Tests.AspNetCore.Caching;

/// <summary>The request cache on its own: what one request resolved, and how often it asked.</summary>
public sealed class RequestAuthCacheTests
{
    private static readonly TokenResolution Valid = new(
        new TokenValidationOutcome(true, null, "https://issuer.example", "user_1", [], null, null, null, false),
        TokenResolutionSource.Cluster);

    [Fact]
    public void A_token_resolved_once_is_answered_again_from_the_request_and_counted_as_a_hit()
    {
        var cache = new RequestAuthCache();
        Assert.False(cache.TryGet("token", direct: false, out _));
        cache.Add("token", direct: false, Valid);

        Assert.True(cache.TryGet("token", direct: false, out var again));
        Assert.Same(Valid, again);
        Assert.Equal((2, 1, 1), (cache.Lookups, cache.Hits, cache.Resolutions));
    }

    [Fact]
    public void Cached_and_direct_resolutions_of_one_token_are_kept_apart()
    {
        var cache = new RequestAuthCache();
        cache.Add("token", direct: false, Valid);

        Assert.False(cache.TryGet("token", direct: true, out _));
        Assert.True(cache.Contains("token", direct: false));
        Assert.False(cache.Contains("token", direct: true));
    }
}
