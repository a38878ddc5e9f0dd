using AuthCache.Core;
using AuthCache.AspNetCore.Caching;
using AuthCache.AspNetCore.Revocation;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using AuthCache.Core.Revocation;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.AspNetCore.Caching;

/// <summary>The API host's near cache on its own, with a fake clock.</summary>
public sealed class TokenNearCacheTests
{
    private const string Hash = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";
    private static readonly ReplicaCheck LagAccepted = new(LagAccepted: true);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeTimeProvider _wallTime = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly StaticOptionsMonitor<AuthCacheOptions> _options = new(new AuthCacheOptions());
    private readonly RevocationReplica _replica;

    public TokenNearCacheTests() => _replica = TestReplica.Create(_options, _time, _wallTime);

    private TokenNearCache NewCache() => new(_options, new AuthCacheClock(_time), _replica, TestReplica.Meters);

    private TokenValidationOutcome Valid(TimeSpan cachedFor) => new(
        true, null, "https://issuer.example", "user_1",
        [new TokenClaim("sub", "user_1", "http://www.w3.org/2001/XMLSchema#string")],
        _time.GetUtcNow().AddHours(1), _time.GetUtcNow() + cachedFor, null, false);

    [Fact]
    public void A_copy_is_answered_as_from_the_cache_until_the_grain_would_have_dropped_it()
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromSeconds(20)), cache.Version);

        Assert.True(cache.TryGet(Hash, out var copy, out _));
        Assert.True(copy.FromCache);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(cache.TryGet(Hash, out _, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_copy_is_trusted_at_most_for_the_configured_max_age_even_when_the_grain_keeps_it_longer()
    {
        _options.CurrentValue.NearCache.MaxAge = TimeSpan.FromSeconds(30);
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet(Hash, out _, out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(Hash, out _, out _));
    }

    [Fact]
    public void Invalidation_drops_every_copy_and_refuses_answers_obtained_before_it()
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);
        var askedBefore = cache.Version;

        cache.Invalidate();
        cache.Add("other-" + Hash, Valid(TimeSpan.FromMinutes(5)), askedBefore);

        Assert.False(cache.TryGet(Hash, out _, out _));
        Assert.False(cache.TryGet("other-" + Hash, out _, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Failures_and_uncached_answers_are_never_copied()
    {
        using var cache = NewCache();
        cache.Add(Hash, TokenValidationOutcome.Failure(AuthFailureReason.BadSignature), cache.Version);
        cache.Add("uncached-" + Hash, Valid(TimeSpan.FromMinutes(5)) with { CachedUntil = null }, cache.Version);

        Assert.False(cache.TryGet(Hash, out _, out _));
        Assert.False(cache.TryGet("uncached-" + Hash, out _, out _));
    }

    [Fact]
    public void A_full_cache_makes_room_only_from_expired_copies()
    {
        _options.CurrentValue.NearCache.MaxEntries = 2;
        using var cache = NewCache();
        cache.Add("a", Valid(TimeSpan.FromSeconds(5)), cache.Version);
        cache.Add("b", Valid(TimeSpan.FromMinutes(5)), cache.Version);
        cache.Add("c", Valid(TimeSpan.FromMinutes(5)), cache.Version);
        Assert.False(cache.TryGet("c", out _, out _));

        _time.Advance(TimeSpan.FromSeconds(5));
        cache.Add("c", Valid(TimeSpan.FromMinutes(5)), cache.Version);

        Assert.False(cache.TryGet("a", out _, out _));
        Assert.True(cache.TryGet("b", out _, out _));
        Assert.True(cache.TryGet("c", out _, out _));
    }

    [Fact]
    public void A_disabled_near_cache_copies_nothing()
    {
        _options.CurrentValue.NearCache.Enabled = false;
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);

        Assert.False(cache.TryGet(Hash, out _, out _));
    }

    [Fact]
    public void No_copy_answers_while_the_revocation_replica_is_not_confirmed_in_sync()
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);

        _replica.MarkBehind();
        Assert.False(cache.TryGet(Hash, out _, out _));

        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);
        _replica.MarkSynchronised(_wallTime.GetTimestamp());
        Assert.True(cache.TryGet(Hash, out _, out _));
    }

    [Fact]
    public void The_replica_vouches_for_copies_only_within_its_trust_window_after_a_synchronisation()
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);

        _wallTime.Advance(RevocationReplica.TrustWindow - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.TryGet(Hash, LagAccepted, out _, out _));
        _wallTime.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGet(Hash, LagAccepted, out _, out _));
    }

    [Fact]
    public void Past_the_max_replica_lag_a_copy_answers_only_a_resolution_whose_freshness_check_accepted_the_lag()
    {
        _options.CurrentValue.Revocation.MaxReplicaLag = TimeSpan.FromSeconds(5);
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);

        _wallTime.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.TryGet(Hash, out _, out _));
        Assert.True(cache.TryGet(Hash, new ReplicaCheck(LagAccepted: false), out _, out _));
        _wallTime.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGet(Hash, out _, out _));
        Assert.False(cache.TryGet(Hash, new ReplicaCheck(LagAccepted: false), out _, out _));

        // The cluster could not resynchronise the copy in time: the resolution goes on with it, counted.
        Assert.True(cache.TryGet(Hash, LagAccepted, out _, out _));
    }

    [Fact]
    public async Task A_copy_of_a_revoked_session_is_refused_on_its_next_hit()
    {
        using var cache = NewCache();
        TokenClaim[] session1 = [new TokenClaim("sub", "user_1", "s"), new TokenClaim("sid", "sess_1", "s")];
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)) with { Claims = session1 }, cache.Version);
        TokenClaim[] session2 = [new TokenClaim("sid", "sess_2", "s")];
        cache.Add("other-" + Hash, Valid(TimeSpan.FromMinutes(5)) with { Claims = session2 }, cache.Version);

        var revoked = new RevocationRecord(
            RevocationKind.Session, "sess_1", _time.GetUtcNow(), "https://issuer.example");
        await _replica.LearnAsync([revoked]);

        Assert.False(cache.TryGet(Hash, out _, out _));
        Assert.True(cache.TryGet("other-" + Hash, out _, out _));
    }

    [Theory]
    [InlineData("resynchronised")]
    [InlineData("keys-retired")]
    [InlineData("cleared-all")]
    [InlineData("options-changed")]
    public async Task Every_copy_is_dropped_when_trust_may_have_been_taken_back(string change)
    {
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);
        var askedBefore = cache.Version;

        switch (change)
        {
            case "resynchronised":
                await _replica.ResynchronisedAsync();
                break;
            case "keys-retired":
                await _replica.ApplyAsync(new KeysRetired("https://issuer.example", ["key-1"]));
                break;
            case "cleared-all":
                await _replica.ApplyAsync(new CacheCleared(CacheEvictionScope.All));
                break;
            default:
                _options.Change();
                break;
        }

        cache.Add("late-" + Hash, Valid(TimeSpan.FromMinutes(5)), askedBefore);
        Assert.False(cache.TryGet(Hash, out _, out _));
        Assert.False(cache.TryGet("late-" + Hash, out _, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_cleanup_of_expired_entries_keeps_the_live_copies()
    {
        using var cache = NewCache();
        cache.Add("short", Valid(TimeSpan.FromSeconds(5)), cache.Version);
        cache.Add("long", Valid(TimeSpan.FromMinutes(5)), cache.Version);
        _time.Advance(TimeSpan.FromSeconds(5));

        await _replica.ApplyAsync(new CacheCleared(CacheEvictionScope.Expired));

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("long", out _, out _));
    }

    [Fact]
    public void A_copy_in_use_past_the_refresh_threshold_asks_its_grain_once_and_goes_on_answering()
    {
        _options.CurrentValue.NearCache.MaxAge = TimeSpan.FromSeconds(30);
        _options.CurrentValue.NearCache.EagerRefreshThreshold = 0.8;
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);

        _time.Advance(TimeSpan.FromSeconds(23));
        Assert.True(cache.TryGet(Hash, out _, out var early));
        Assert.False(early);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cache.TryGet(Hash, out _, out var due));
        Assert.True(due);
        Assert.True(cache.TryGet(Hash, out _, out var again));
        Assert.False(again);

        // The grain's answer replaces the copy, which then lives its own MaxAge.
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);
        _time.Advance(TimeSpan.FromSeconds(7));
        Assert.True(cache.TryGet(Hash, out _, out var fresh));
        Assert.False(fresh);
    }

    [Fact]
    public void A_copy_that_ends_with_its_grains_answer_is_never_refreshed()
    {
        _options.CurrentValue.NearCache.MaxAge = TimeSpan.FromSeconds(30);
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromSeconds(20)), cache.Version);

        _time.Advance(TimeSpan.FromSeconds(19));
        Assert.True(cache.TryGet(Hash, out _, out var refresh));
        Assert.False(refresh);
    }

    [Fact]
    public void Without_eager_refresh_a_copy_ends_at_its_max_age_unrefreshed()
    {
        _options.CurrentValue.NearCache.MaxAge = TimeSpan.FromSeconds(30);
        _options.CurrentValue.NearCache.EagerRefreshThreshold = null;
        using var cache = NewCache();
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet(Hash, out _, out var refresh));
        Assert.False(refresh);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(Hash, out _, out _));
    }

    [Fact]
    public async Task A_profile_eviction_refuses_answers_asked_for_before_it_and_keeps_other_users_copies()
    {
        using var cache = NewCache();
        cache.Add("other-" + Hash, Valid(TimeSpan.FromMinutes(5)) with { Subject = "user_2" }, cache.Version);
        var askedBefore = cache.Version;

        await _replica.ApplyAsync(new ProfileEvicted("https://issuer.example", "user_1"));
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), askedBefore);

        Assert.False(cache.TryGet(Hash, out _, out _));
        Assert.True(cache.TryGet("other-" + Hash, out _, out _));
        cache.Add(Hash, Valid(TimeSpan.FromMinutes(5)), cache.Version);
        Assert.True(cache.TryGet(Hash, out _, out _));
    }
}
