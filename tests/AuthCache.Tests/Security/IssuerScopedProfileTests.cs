using System.Net;
using System.Text.Json;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Security;

/// <summary>
/// Profiles belong to the issuer whose users the Clerk secret key reads: another trusted issuer's subject of the same
/// id is someone else, and gets no profile at all.
/// </summary>
[Collection(SecurityApiCollection.Name)]
public sealed class IssuerScopedProfileTests(SecurityApiFixture fixture)
{
    [Fact]
    public async Task The_other_issuers_subject_gets_no_profile_of_the_profile_issuers_user_of_the_same_id()
    {
        var subject = "user_shared_" + Guid.NewGuid().ToString("N");
        var fetches = fixture.Primary.UserFetches;

        var own = await MeAsync(fixture.Primary.CreateToken(subject));
        var other = await MeAsync(fixture.SecondaryToken(subject));

        Assert.Equal(subject + "@example.com", own.GetProperty("profile").GetProperty("primaryEmail").GetString());
        Assert.Equal(fixture.Secondary.Issuer, other.GetProperty("issuer").GetString());
        Assert.Equal(JsonValueKind.Null, other.GetProperty("profile").ValueKind);
        Assert.Equal(fetches + 1, fixture.Primary.UserFetches);
    }

    [Fact]
    public async Task A_subject_of_the_other_issuer_seen_first_causes_no_profile_fetch()
    {
        var subject = "user_other_first_" + Guid.NewGuid().ToString("N");
        var fetches = fixture.Primary.UserFetches + fixture.Secondary.UserFetches;

        var other = await MeAsync(fixture.SecondaryToken(subject));

        Assert.Equal(JsonValueKind.Null, other.GetProperty("profile").ValueKind);
        Assert.Equal(fetches, fixture.Primary.UserFetches + fixture.Secondary.UserFetches);
    }

    private async Task<JsonElement> MeAsync(string token)
    {
        var response = await fixture.Http.GetAsync("/api/v1/me", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
