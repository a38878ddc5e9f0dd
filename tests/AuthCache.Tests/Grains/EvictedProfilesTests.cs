using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Grains;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Grains;

/// <summary>What a silo remembers of profile evictions, and for how long: never less than a cached validation can need.</summary>
public sealed class EvictedProfilesTests
{
    private const string Issuer = "https://clerk.example.com";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly AuthCacheOptions _options = new();
    private readonly EvictedProfiles _evicted;

    public EvictedProfilesTests() => _evicted = new EvictedProfiles(new StaticOptionsMonitor<AuthCacheOptions>(_options), new AuthCacheClock(_time));

    [Fact]
    public void An_eviction_makes_copies_of_that_user_read_before_it_stale_and_nothing_else()
    {
        var before = _evicted.Version;

        _evicted.Evicted(Issuer, "user_1");
        var after = _evicted.Version;

        Assert.True(after > before);
        Assert.True(_evicted.EvictedSince(before, Issuer, "user_1"));
        Assert.False(_evicted.EvictedSince(after, Issuer, "user_1"));
        Assert.False(_evicted.EvictedSince(before, Issuer, "user_2"));
        Assert.False(_evicted.EvictedSince(before, Issuer + "/other", "user_1"));
    }

    [Fact]
    public void A_second_eviction_of_a_user_counts_from_copies_read_between_the_two()
    {
        _evicted.Evicted(Issuer, "user_1");
        var between = _evicted.Version;

        _evicted.Evicted(Issuer, "user_1");

        Assert.True(_evicted.EvictedSince(between, Issuer, "user_1"));
        Assert.Equal(1, _evicted.Count);
    }

    [Fact]
    public void After_a_silo_may_have_missed_evictions_every_copy_read_before_is_stale_and_later_ones_are_not()
    {
        var before = _evicted.Version;

        _evicted.EvictedAll();
        var after = _evicted.Version;

        Assert.True(_evicted.EvictedSince(before, Issuer, "user_1"));
        Assert.True(_evicted.EvictedSince(before, Issuer + "/other", "user_2"));
        Assert.False(_evicted.EvictedSince(after, Issuer, "user_1"));
    }

    [Fact]
    public void Evictions_are_forgotten_once_no_validation_cached_before_them_can_remain()
    {
        var before = _evicted.Version;
        _evicted.Evicted(Issuer, "user_1");
        _time.Advance(_options.TokenCacheTtl - TimeSpan.FromSeconds(1));
        _evicted.Evicted(Issuer, "user_2");

        Assert.Equal(2, _evicted.Count);
        Assert.True(_evicted.EvictedSince(before, Issuer, "user_1"));

        _time.Advance(TimeSpan.FromSeconds(2));
        _evicted.Evicted(Issuer, "user_3");

        Assert.Equal(2, _evicted.Count);
        Assert.False(_evicted.EvictedSince(before, Issuer, "user_1"));
        Assert.True(_evicted.EvictedSince(before, Issuer, "user_2"));
    }

    [Fact]
    public void Past_the_bound_the_oldest_evictions_are_forgotten_by_taking_every_copy_read_before_them_for_stale()
    {
        var beforeAll = _evicted.Version;
        _evicted.Evicted(Issuer, "user_0");
        var afterFirst = _evicted.Version;
        for (var i = 1; i <= EvictedProfiles.MaxRemembered; i++)
        {
            _evicted.Evicted(Issuer, "user_" + i);
        }

        Assert.Equal(EvictedProfiles.MaxRemembered, _evicted.Count);
        Assert.True(_evicted.EvictedSince(beforeAll, Issuer, "user_0"));
        Assert.True(_evicted.EvictedSince(beforeAll, Issuer, "never_evicted"));
        Assert.False(_evicted.EvictedSince(afterFirst, Issuer, "never_evicted"));
        Assert.True(_evicted.EvictedSince(afterFirst, Issuer, "user_" + EvictedProfiles.MaxRemembered));
    }
}
