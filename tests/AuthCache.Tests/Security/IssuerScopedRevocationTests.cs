using System.Net;
using AuthCache.AspNetCore.Revocation;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Security;

/// <summary>
/// Sessions and subjects are names an issuer gives: with two trusted issuers, revoking one issuer's <c>user_X</c>
/// leaves the other issuer's <c>user_X</c> alone, and a revocation must say which issuer it means.
/// </summary>
[Collection(ApiHostCollection.Name)]
public sealed class IssuerScopedRevocationTests(ApiHostFixture fixture)
{
    private Task<HttpResponseMessage> RevokeAsync(params (string Name, string Value)[] form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, CacheRevocationEndpoints.Route)
        {
            Content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))),
        };
        request.Headers.Add("X-Admin-Key", ApiHostFixture.AdminKey);
        return fixture.Http.SendAsync(request);
    }

    [Fact]
    public async Task Revoking_a_subject_of_one_issuer_leaves_the_same_subject_of_another_issuer_signed_in()
    {
        var subject = "user_" + Guid.NewGuid().ToString("N");
        var ofFirst = fixture.Issuer.CreateToken(subject, azp: ApiHostFixture.AuthorizedParty);
        var ofSecond = fixture.Issuer.CreateToken(subject, issuer: fixture.AudienceIssuer, audience: ApiHostFixture.Audience);
        foreach (var token in new[] { ofFirst, ofSecond })
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", token)).StatusCode);
        }

        var revoked = await RevokeAsync(("sub", subject), ("issuer", fixture.AudienceIssuer));

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(fixture.AudienceIssuer, (await revoked.JsonAsync()).GetProperty("revoked").GetProperty("issuer").GetString());
        Assert.Equal(AuthFailureReason.Revoked, (await fixture.Http.GetAsync("/api/v1/me", ofSecond)).ErrorDescription());
        Assert.Equal(AuthFailureReason.Revoked, (await fixture.Http.GetAsync("/api/v1/direct/me", ofSecond)).ErrorDescription());
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", ofFirst)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/direct/me", ofFirst)).StatusCode);
    }

    [Theory]
    [InlineData(null, RevocationRequest.MissingIssuer)]
    [InlineData("https://not-trusted.example", RevocationRequest.UnknownIssuer)]
    public async Task With_several_issuers_a_revocation_without_a_trusted_issuer_is_refused_and_changes_nothing(string? issuer, string reason)
    {
        var form = new List<(string, string)> { ("sid", "sess_" + Guid.NewGuid().ToString("N")) };
        if (issuer is not null)
        {
            form.Add(("issuer", issuer));
        }

        var revocations = fixture.Host.App.Services.GetRequiredService<RevocationReplica>();
        var before = revocations.Count;

        var response = await RevokeAsync([.. form]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(reason, (await response.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(before, revocations.Count);
    }
}
