using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Core.Validation;

public sealed class TokenPrecheckTests
{
    private const string Issuer = "https://issuer.example";

    private static readonly AuthCacheOptions Options = new() { Issuers = [new IssuerOptions { Issuer = Issuer }] };

    private static long Exp => DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();

    public static TheoryData<string, string> HostileTokens() => new()
    {
        { "", AuthFailureReason.Malformed },
        { "abc", AuthFailureReason.Malformed },
        { "a.b.c.d.e", AuthFailureReason.Malformed },
        { new string('a', Options.MaxTokenSize + 1), AuthFailureReason.TokenTooLarge },
        { "!!!.???.###", AuthFailureReason.Malformed },
        { TestIssuer.Craft(new { alg = "none" }, new { iss = Issuer, exp = Exp }, ""), AuthFailureReason.AlgorithmNotAllowed },
        { TestIssuer.Craft(new { alg = "HS256" }, new { iss = Issuer, exp = Exp }), AuthFailureReason.AlgorithmNotAllowed },
        { TestIssuer.Craft(new { alg = "EdDSA" }, new { iss = Issuer, exp = Exp }), AuthFailureReason.AlgorithmNotAllowed },
        { TestIssuer.Craft(new { alg = "rs256" }, new { iss = Issuer, exp = Exp }), AuthFailureReason.AlgorithmNotAllowed },
        { TestIssuer.Craft(new { alg = "RS256", crit = new[] { "exp" } }, new { iss = Issuer, exp = Exp }), AuthFailureReason.Malformed },
        { TestIssuer.Craft(new { alg = "RS256", kid = new string('k', 257) }, new { iss = Issuer, exp = Exp }), AuthFailureReason.Malformed },
        { TestIssuer.Craft(new { alg = "RS256", kid = "a\u0000b" }, new { iss = Issuer, exp = Exp }), AuthFailureReason.Malformed },
        { TestIssuer.Craft(new { alg = "RS256" }, new { iss = "https://other.example", exp = Exp }), AuthFailureReason.UnknownIssuer },
        { TestIssuer.Craft(new { alg = "RS256" }, new { iss = Issuer }), AuthFailureReason.Malformed },
        { TestIssuer.Craft(new { alg = "RS256" }, new { iss = Issuer, exp = "soon" }), AuthFailureReason.Malformed },
        { TestIssuer.Craft(new { alg = "RS256" }, new { iss = Issuer, exp = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds() }), AuthFailureReason.Expired },
        // Theory data is built at discovery: the nbf margin must outlast a slow run of the whole suite.
        { TestIssuer.Craft(new { alg = "RS256" }, new { iss = Issuer, exp = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds(), nbf = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() }), AuthFailureReason.NotYetValid },
        { TestIssuer.Craft(new { alg = "RS256" }, new[] { 1, 2, 3 }), AuthFailureReason.Malformed },
    };

    [Theory]
    [MemberData(nameof(HostileTokens))]
    public void Hostile_tokens_are_rejected_before_any_grain_call(string token, string reason)
    {
        var result = TokenPrecheck.Inspect(token, Options, DateTimeOffset.UtcNow);

        Assert.Equal(reason, result.FailureReason);
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(16 * 1024 + 1)]
    [InlineData(TokenValidationParameters.DefaultMaximumTokenSizeInBytes)]
    public void A_token_of_exactly_MaxTokenSize_bytes_passes_and_one_byte_more_is_token_too_large(int maxTokenSize)
    {
        var options = new AuthCacheOptions { Issuers = Options.Issuers, MaxTokenSize = maxTokenSize };
        var atLimit = WellFormedToken(maxTokenSize);
        var over = WellFormedToken(maxTokenSize + 1);

        Assert.Equal(maxTokenSize, atLimit.Length);
        Assert.Equal(maxTokenSize + 1, over.Length);
        Assert.True(TokenPrecheck.Inspect(atLimit, options, DateTimeOffset.UtcNow).Passed);
        Assert.Equal(AuthFailureReason.TokenTooLarge, TokenPrecheck.Inspect(over, options, DateTimeOffset.UtcNow).FailureReason);
    }

    [Fact]
    public void The_default_MaxTokenSize_is_JwtBearers_250_KB()
    {
        Assert.Equal(TokenValidationParameters.DefaultMaximumTokenSizeInBytes, new AuthCacheOptions().MaxTokenSize);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("RS512")]
    [InlineData("PS256")]
    [InlineData("PS384")]
    [InlineData("PS512")]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    public void Every_supported_algorithm_passes_for_an_issuer_that_pins_none(string algorithm)
    {
        var token = TestIssuer.Craft(new { alg = algorithm }, new { iss = Issuer, exp = Exp });

        Assert.True(TokenPrecheck.Inspect(token, Options, DateTimeOffset.UtcNow).Passed);
    }

    [Theory]
    [InlineData("PS256", null)]
    [InlineData("ES384", null)]
    [InlineData("RS256", AuthFailureReason.AlgorithmNotAllowed)]
    [InlineData("PS384", AuthFailureReason.AlgorithmNotAllowed)]
    [InlineData("ES256", AuthFailureReason.AlgorithmNotAllowed)]
    public void A_supported_algorithm_outside_the_issuers_pins_is_refused_before_any_grain_call(string algorithm, string? reason)
    {
        var pinned = new AuthCacheOptions { Issuers = [new IssuerOptions { Issuer = Issuer, Algorithms = ["PS256", "ES384"] }] };
        var token = TestIssuer.Craft(new { alg = algorithm }, new { iss = Issuer, exp = Exp });

        Assert.Equal(reason, TokenPrecheck.Inspect(token, pinned, DateTimeOffset.UtcNow).FailureReason);
    }

    [Fact]
    public void Expiry_within_the_clock_skew_still_passes()
    {
        var token = TestIssuer.Craft(new { alg = "ES256" }, new { iss = Issuer, exp = DateTimeOffset.UtcNow.AddSeconds(-2).ToUnixTimeSeconds() });

        Assert.True(TokenPrecheck.Inspect(token, Options, DateTimeOffset.UtcNow).Passed);
    }

    /// <summary>
    /// A token of exactly <paramref name="length"/> characters that passes every shape rule: its signature segment is
    /// all zero bits, of a length base64url allows (never 1 more than a multiple of 4; a claim one character longer
    /// moves the rest of the length).
    /// </summary>
    private static string WellFormedToken(int length)
    {
        for (var pad = 0; ; pad++)
        {
            var unsigned = TestIssuer.Craft(new { alg = "RS256" }, new { iss = Issuer, exp = Exp, pad = new string('p', pad) }, "");
            var signatureLength = length - unsigned.Length;
            if (signatureLength > 0 && signatureLength % 4 != 1)
            {
                return unsigned + new string('A', signatureLength);
            }
        }
    }

    [Fact]
    public void Token_hash_is_the_full_base64url_sha256()
    {
        var hash = TokenHash.Compute("header.payload.signature");

        Assert.Equal(43, hash.Length);
        Assert.True(TokenHash.IsWellFormed(hash));
        Assert.Equal(hash, TokenHash.Compute("header.payload.signature"));
        Assert.NotEqual(hash, TokenHash.Compute("header.payload.signaturf"));
    }
}
