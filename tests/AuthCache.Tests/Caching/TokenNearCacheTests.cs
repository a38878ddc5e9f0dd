using AuthCache.Core;
using AuthCache.AspNetCore.Caching;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using AuthCache.Core.Revocation;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Caching;

/// <summary>The API host's near cache on its own, with a fake clock.</summary>
public sealed class TokenNearCacheTests
{
    private const string Hash = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeTimeProvider _wallTime = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly StaticOptionsMonitor<AuthCacheOptions> _options = new(new AuthCacheOptions());
    private readonly RevocationReplica _replica;

    public TokenNearCacheTests() => _replica = TestReplica.Create(_options, _time, _wallTime);

    private TokenNearCache NewCache() => new(_options, new AuthCacheClock(_time), _replica, TestReplica.Meters);

    private TokenValidationOutcome Valid(TimeSpan cachedFor) => new(
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
        _options.CurrentValue.NearCache.MaxAge = TimeSpan.FromSeconds(30);
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
        cache.Add(Hash, TokenValidationOutcome.Failure(AuthFailureReason.BadSignature), cache.Generation);
        cache.Add("uncached-" + Hash, Valid(TimeSpan.FromMinutes(5)) with { CachedUntil = null }, cache.Generation);

        Assert.False(cache.TryGet(Hash, out _));
        Assert.False(cache.TryGet("uncached-" + Hash, out _));
    }

    [Fact]
    public void A_full_cache_makes_room_only_from_expired_copies()
    {
        _options.CurrentValue.NearCache.MaxEntries = 2;
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
        _options.CurrentValue.NearCache.Enabled = false;
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Generation);

        Assert.False(cache.TryGet(Hash, out _));
    }

    [Fact]
    public void No_copy_answers_while_the_revocation_replica_is_not_confirmed_in_sync()
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Generation);

        _replica.MarkBehind();
        Assert.False(cache.TryGet(Hash, out _));

        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Generation);
        _replica.MarkSynchronised(_wallTime.GetTimestamp());
        Assert.True(cache.TryGet(Hash, out _));
    }

    [Fact]
    public void The_replica_vouches_for_copies_only_within_its_trust_window_after_a_synchronisation()
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Generation);

        _wallTime.Advance(RevocationReplica.TrustWindow - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.TryGet(Hash, out _));
        _wallTime.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGet(Hash, out _));
    }

    [Fact]
    public async Task A_copy_of_a_revoked_session_is_refused_on_its_next_hit()
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)) with { Claims = [new TokenClaim("sub", "user_1", "s"), new TokenClaim("sid", "sess_1", "s")] }, cache.Generation);
        cache.Add("other-" + Hash, Valid(TimeSpan.FromMinutes(5)) with { Claims = [new TokenClaim("sid", "sess_2", "s")] }, cache.Generation);

        await _replica.LearnAsync([new RevocationRecord(RevocationKind.Session, "sess_1", _time.GetUtcNow(), "https://issuer.example")]);

        Assert.False(cache.TryGet(Hash, out _));
        Assert.True(cache.TryGet("other-" + Hash, out _));
    }

    [Theory]
    [InlineData("resynchronised")]
    [InlineData("keys-retired")]
    [InlineData("cleared-all")]
    [InlineData("options-changed")]
    public async Task Every_copy_is_dropped_when_trust_may_have_been_taken_back(string change)
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Generation);
        var askedBefore = cache.Generation;

        switch (change)
        {
            case "resynchronised":
                await _replica.ResynchronisedAsync();
                break;
            case "keys-retired":
                await _replica.ApplyAsync(CacheInvalidation.KeysRetired("https://issuer.example", ["key-1"]));
                break;
            case "cleared-all":
                await _replica.ApplyAsync(CacheInvalidation.Cleared(CacheEvictionScope.All));
                break;
            default:
                _options.Change();
                break;
        }

        cache.Add("late-" + Hash, Valid(TimeSpan.FromMinutes(5)), askedBefore);
        Assert.False(cache.TryGet(Hash, out _));
        Assert.False(cache.TryGet("late-" + Hash, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_cleanup_of_expired_entries_keeps_the_live_copies()
    {
        using var cache = NewCache();
        cache.Add("short", Valid(TimeSpan.FromSeconds(5)), cache.Generation);
        cache.Add("long", Valid(TimeSpan.FromMinutes(5)), cache.Generation);
        _time.Advance(TimeSpan.FromSeconds(5));

        await _replica.ApplyAsync(CacheInvalidation.Cleared(CacheEvictionScope.Expired));

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("long", out _));
    }
}
