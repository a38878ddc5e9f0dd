using System.Globalization;
using System.Net;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Security;

/// <summary>
/// Registered claims must have their JSON type (RFC 7519: a NumericDate is a number) and appear once, and no token is
/// issued in the future; tokens signed by the issuer's real key that break this are refused on both schemes.
/// </summary>
[Collection(SecurityApiCollection.Name)]
public sealed class StrictClaimTypeTests(SecurityApiFixture fixture)
{
    private const string Header = """{"alg":"RS256","kid":"rsa-1","typ":"JWT"}""";

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task A_token_with_numeric_claims_written_by_hand_is_accepted()
    {
        var token = Sign($$"""{"iss":{{Issuer}},"sub":"user_raw","iat":{{Now}},"nbf":{{Now}},"exp":{{Now + 600}}}""");

        await AssertAnsweredOnBothSchemesAsync(token, HttpStatusCode.OK, null);
    }

    [Fact]
    public async Task A_token_whose_exp_is_a_string_is_refused_as_malformed()
    {
        var token = Sign($$"""{"iss":{{Issuer}},"sub":"user_string_exp","iat":{{Now}},"exp":"{{Now + 600}}"}""");

        await AssertAnsweredOnBothSchemesAsync(token, HttpStatusCode.Unauthorized, AuthFailureReason.Malformed);
    }

    [Theory]
    [InlineData("nbf")]
    [InlineData("iat")]
    public async Task A_token_whose_nbf_or_iat_is_a_string_is_refused_as_malformed(string claim)
    {
        var token = Sign($$"""{"iss":{{Issuer}},"sub":"user_string_{{claim}}","exp":{{Now + 600}},"{{claim}}":"{{Now}}"}""");

        await AssertAnsweredOnBothSchemesAsync(token, HttpStatusCode.Unauthorized, AuthFailureReason.Malformed);
    }

    [Fact]
    public async Task A_token_naming_its_subject_twice_is_refused_as_malformed()
    {
        var token = Sign($$"""{"iss":{{Issuer}},"sub":"user_admin","sub":"user_twice","exp":{{Now + 600}}}""");

        await AssertAnsweredOnBothSchemesAsync(token, HttpStatusCode.Unauthorized, AuthFailureReason.Malformed);
    }

    [Fact]
    public async Task A_token_issued_further_in_the_future_than_the_clock_skew_is_refused_as_not_yet_valid()
    {
        var token = Sign($$"""{"iss":{{Issuer}},"sub":"user_future","iat":{{Now + 60}},"exp":{{Now + 600}}}""");

        await AssertAnsweredOnBothSchemesAsync(token, HttpStatusCode.Unauthorized, AuthFailureReason.NotYetValid);
    }

    [Fact]
    public async Task A_token_issued_in_the_future_within_the_clock_skew_is_accepted()
    {
        var token = Sign($$"""{"iss":{{Issuer}},"sub":"user_skewed","iat":{{Now + 2}},"exp":{{Now + 600}}}""");

        await AssertAnsweredOnBothSchemesAsync(token, HttpStatusCode.OK, null);
    }

    private string Issuer => System.Text.Json.JsonSerializer.Serialize(fixture.Primary.Issuer);

    private string Sign(string claims) => RawToken.Sign(Header, claims, fixture.Primary.Rsa);

    private async Task AssertAnsweredOnBothSchemesAsync(string token, HttpStatusCode status, string? reason)
    {
        foreach (var path in new[] { "/api/v1/me", "/api/v1/direct/me" })
        {
            var response = await fixture.Http.GetAsync(path, token);
            Assert.True(status == response.StatusCode, string.Create(CultureInfo.InvariantCulture, $"{path}: {(int)response.StatusCode} {response.ErrorDescription()}"));
            Assert.Equal(reason, response.ErrorDescription());
        }
    }
}
