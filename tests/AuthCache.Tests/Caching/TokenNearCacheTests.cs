using AuthCache.Core;
using AuthCache.Core.Caching;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Caching;

/// <summary>The API host's near cache on its own, with a fake clock.</summary>
public sealed class TokenNearCacheTests
{
    private const string Hash = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly AuthCacheOptions _options = new();

    private TokenNearCache NewCache() => new(new StaticOptionsMonitor(_options), new AuthCacheClock(_time));

    private TokenValidationResult Valid(TimeSpan cachedFor) => new(
        true, null, "https://issuer.example", "user_1", [new TokenClaim("sub", "user_1", "http://www.w3.org/2001/XMLSchema#string")], _time.GetUtcNow().AddHours(1), _time.GetUtcNow() + cachedFor, null, false);

    [Fact]
    public void A_copy_is_answered_as_from_the_cache_until_the_grain_would_have_dropped_it()
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromSeconds(20)), cache.Generation);

        Assert.True(cache.TryGet(Hash, out var copy));
        Assert.True(copy.FromCache);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(cache.TryGet(Hash, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_copy_is_trusted_at_most_for_the_configured_max_age_even_when_the_grain_keeps_it_longer()
    {
        _options.NearCache.MaxAge = TimeSpan.FromSeconds(30);
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Generation);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet(Hash, out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(Hash, out _));
    }

    [Fact]
    public void Invalidation_drops_every_copy_and_refuses_answers_obtained_before_it()
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Generation);
        var askedBefore = cache.Generation;

        cache.Invalidate();
        cache.Add("other-" + Hash, Valid(TimeSpan.FromMinutes(5)), askedBefore);

        Assert.False(cache.TryGet(Hash, out _));
        Assert.False(cache.TryGet("other-" + Hash, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Failures_and_uncached_answers_are_never_copied()
    {
        using var cache = NewCache();
        cache.Add(Hash, TokenValidationResult.Failure(AuthFailureReason.BadSignature), cache.Generation);
        cache.Add("uncached-" + Hash, Valid(TimeSpan.FromMinutes(5)) with { CachedUntil = null }, cache.Generation);

        Assert.False(cache.TryGet(Hash, out _));
        Assert.False(cache.TryGet("uncached-" + Hash, out _));
    }

    [Fact]
    public void A_full_cache_makes_room_only_from_expired_copies()
    {
        _options.NearCache.MaxEntries = 2;
        using var cache = NewCache();
        cache.Add("a", Valid(TimeSpan.FromSeconds(5)), cache.Generation);
        cache.Add("b", Valid(TimeSpan.FromMinutes(5)), cache.Generation);
        cache.Add("c", Valid(TimeSpan.FromMinutes(5)), cache.Generation);
        Assert.False(cache.TryGet("c", out _));

        _time.Advance(TimeSpan.FromSeconds(5));
        cache.Add("c", Valid(TimeSpan.FromMinutes(5)), cache.Generation);

        Assert.False(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("c", out _));
    }

    [Fact]
    public void A_disabled_near_cache_copies_nothing()
    {
        _options.NearCache.Enabled = false;
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Generation);

        Assert.False(cache.TryGet(Hash, out _));
    }

    private sealed class StaticOptionsMonitor(AuthCacheOptions value) : IOptionsMonitor<AuthCacheOptions>
    {
        public AuthCacheOptions CurrentValue => value;

        public AuthCacheOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<AuthCacheOptions, string?> listener) => null;
    }
}
