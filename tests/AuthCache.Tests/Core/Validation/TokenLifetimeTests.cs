using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Core.Validation;

/// <summary>
/// A token may not live longer than its issuer's <c>MaxTokenLifetime</c>: that bound is what lets a revocation be
/// dropped once it has passed.
/// </summary>
public sealed class TokenLifetimeTests
{
    private const string Issuer = "https://issuer.example";
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static readonly AuthCacheOptions Options = new()
    {
        Issuers = [new IssuerOptions { Issuer = Issuer, MaxTokenLifetime = TimeSpan.FromMinutes(10) }],
    };

    private static string Token(DateTimeOffset? issuedAt, DateTimeOffset expires) => issuedAt is { } iat
        ? TestIssuer.Craft(new { alg = "RS256" }, new { iss = Issuer, iat = iat.ToUnixTimeSeconds(), exp = expires.ToUnixTimeSeconds() })
        : TestIssuer.Craft(new { alg = "RS256" }, new { iss = Issuer, exp = expires.ToUnixTimeSeconds() });

    [Fact]
    public void A_token_living_longer_than_its_issuers_max_token_lifetime_is_refused_and_one_living_exactly_that_long_passes()
    {
        var issuedAt = Now.AddMinutes(-2);

        Assert.Equal(AuthFailureReason.LifetimeTooLong, TokenPrecheck.Inspect(Token(issuedAt, issuedAt.AddMinutes(10).AddSeconds(1)), Options, Now).FailureReason);
        Assert.True(TokenPrecheck.Inspect(Token(issuedAt, issuedAt.AddMinutes(10)), Options, Now).Passed);
    }

    [Fact]
    public void Without_iat_the_lifetime_left_is_measured()
    {
        Assert.Equal(AuthFailureReason.LifetimeTooLong, TokenPrecheck.Inspect(Token(null, Now.AddMinutes(10).AddSeconds(1)), Options, Now).FailureReason);
        Assert.True(TokenPrecheck.Inspect(Token(null, Now.AddMinutes(10)), Options, Now).Passed);
    }
}

/// <summary>The same rule through a token grain of a real cluster, with the default lifetime of an issuer (one hour).</summary>
[Collection(ClusterCollection.Name)]
public sealed class TokenLifetimeClusterTests(ClusterFixture fixture)
{
    private async Task<TokenValidationOutcome> ValidateAsync(string token) =>
        await fixture.Grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token);

    [Fact]
    public async Task A_token_living_past_the_default_hour_is_refused_with_lifetime_too_long_and_one_living_an_hour_is_valid()
    {
        var tooLong = await ValidateAsync(fixture.Token("user_" + Guid.NewGuid().ToString("N"), TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1)));
        var atTheLimit = await ValidateAsync(fixture.Token("user_" + Guid.NewGuid().ToString("N"), TimeSpan.FromHours(1)));

        Assert.Equal(AuthFailureReason.LifetimeTooLong, tooLong.FailureReason);
        Assert.True(atTheLimit.IsValid, atTheLimit.FailureReason);
    }
}
