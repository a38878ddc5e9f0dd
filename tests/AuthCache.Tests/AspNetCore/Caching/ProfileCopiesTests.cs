using AuthCache.AspNetCore.Caching.Internals;
using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.AspNetCore.Caching;

/// <summary>The profile copies an API host keeps for the answers it gives itself, with a fake clock.</summary>
public sealed class ProfileCopiesTests
{
    private const string Issuer = "https://issuer.example";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeTimeProvider _wallTime = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly StaticOptionsMonitor<AuthCacheOptions> _options = new(new AuthCacheOptions());
    private readonly RevocationReplica _replica;

    public ProfileCopiesTests() => _replica = TestReplica.Create(_options, _time, _wallTime);

    private ProfileCopies NewCopies() => new(_options, new AuthCacheClock(_time), _replica);

    [Fact]
    public void An_answer_validated_by_the_host_takes_the_profile_of_its_users_latest_copy_while_that_copy_may_live()
    {
        using var copies = NewCopies();
        copies.Add(WithProfile(Valid("user_1")), _time.GetUtcNow().AddSeconds(30), copies.Version);
        var renewed = Valid("user_1");

        Assert.Equal("Ada", copies.WithHeldProfile(renewed).Profile?.FirstName);
        Assert.Null(copies.WithHeldProfile(Valid("user_2")).Profile);
        Assert.Null(copies.WithHeldProfile(renewed with { Issuer = "https://other-issuer.example" }).Profile);
        Assert.Null(copies.WithHeldProfile(TokenValidationOutcome.Failure(AuthFailureReason.Revoked)).Profile);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(copies.WithHeldProfile(renewed).Profile);
    }

    [Fact]
    public void An_answer_that_carries_its_own_profile_keeps_it()
    {
        using var copies = NewCopies();
        copies.Add(WithProfile(Valid("user_1")), _time.GetUtcNow().AddMinutes(5), copies.Version);
        var grace = new UserProfile("user_1", "grace", "Grace", "Hopper", null, null, _time.GetUtcNow());
        var own = Valid("user_1") with { Profile = grace };

        Assert.Equal("Grace", copies.WithHeldProfile(own).Profile?.FirstName);
    }

    [Theory]
    [InlineData("profile-evicted")]
    [InlineData("resynchronised")]
    [InlineData("options-changed")]
    [InlineData("cleared-all")]
    public async Task A_held_profile_is_dropped_when_its_users_copies_are(string change)
    {
        using var copies = NewCopies();
        copies.Add(WithProfile(Valid("user_1")), _time.GetUtcNow().AddMinutes(5), copies.Version);
        copies.Add(WithProfile(Valid("user_2")), _time.GetUtcNow().AddMinutes(5), copies.Version);

        switch (change)
        {
            case "profile-evicted":
                await _replica.ApplyAsync(new ProfileEvicted(Issuer, "user_1"));
                Assert.NotNull(copies.WithHeldProfile(Valid("user_2")).Profile);
                break;
            case "resynchronised":
                await _replica.ResynchronisedAsync();
                break;
            case "cleared-all":
                await _replica.ApplyAsync(new CacheCleared(CacheEvictionScope.All));
                break;
            default:
                _options.Change();
                break;
        }

        Assert.Null(copies.WithHeldProfile(Valid("user_1")).Profile);
    }

    [Fact]
    public async Task A_profile_read_before_its_users_eviction_is_not_kept()
    {
        using var copies = NewCopies();
        var askedBefore = copies.Version;

        await _replica.ApplyAsync(new ProfileEvicted(Issuer, "user_1"));
        copies.Add(WithProfile(Valid("user_1")), _time.GetUtcNow().AddMinutes(5), askedBefore);

        Assert.Null(copies.WithHeldProfile(Valid("user_1")).Profile);
        Assert.Equal(0, copies.Count);
    }

    [Fact]
    public async Task A_cleanup_of_expired_entries_keeps_the_live_profiles()
    {
        using var copies = NewCopies();
        copies.Add(WithProfile(Valid("user_1")), _time.GetUtcNow().AddSeconds(5), copies.Version);
        copies.Add(WithProfile(Valid("user_2")), _time.GetUtcNow().AddMinutes(5), copies.Version);
        _time.Advance(TimeSpan.FromSeconds(5));

        await _replica.ApplyAsync(new CacheCleared(CacheEvictionScope.Expired));

        Assert.Equal(1, copies.Count);
        Assert.NotNull(copies.WithHeldProfile(Valid("user_2")).Profile);
    }

    [Fact]
    public void The_profile_copies_are_bounded_by_the_near_caches_max_entries()
    {
        _options.CurrentValue.NearCache.MaxEntries = 1;
        using var copies = NewCopies();
        copies.Add(WithProfile(Valid("user_1")), _time.GetUtcNow().AddMinutes(5), copies.Version);
        copies.Add(WithProfile(Valid("user_2")), _time.GetUtcNow().AddMinutes(5), copies.Version);

        Assert.Equal(1, copies.Count);
        Assert.Null(copies.WithHeldProfile(Valid("user_2")).Profile);
    }

    private TokenValidationOutcome Valid(string subject) => new(
        true, null, Issuer, subject, [new TokenClaim("sub", subject, "http://www.w3.org/2001/XMLSchema#string")],
        _time.GetUtcNow().AddHours(1), _time.GetUtcNow().AddMinutes(5), null, false);

    private TokenValidationOutcome WithProfile(TokenValidationOutcome answer) => answer with
    {
        Profile = new UserProfile(
            answer.Subject!, "ada", "Ada", "Lovelace", "ada@example.com", null, _time.GetUtcNow()),
    };
}
