using System.Net;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.JwtBearer;

/// <summary>
/// Clerk's <c>__session</c> cookie as the token, opt-in: read for requests of the API's own pages only, since a
/// browser attaches it to requests other websites make it send.
/// </summary>
public sealed class ClerkSessionCookieTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;
    private BearerTestApp _optedIn = null!;
    private BearerTestApp _default = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _optedIn = await BearerTestApp.StartAsync(_issuer, useAuthCache: true, bearer => bearer.TokenValidationParameters.ValidateAudience = false, authCache => authCache.ReadClerkSessionCookie = true);
        _default = await BearerTestApp.StartAsync(_issuer, useAuthCache: true, bearer => bearer.TokenValidationParameters.ValidateAudience = false);
    }

    public async Task DisposeAsync()
    {
        await _default.DisposeAsync();
        await _optedIn.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Theory]
    [InlineData(null, null, HttpStatusCode.OK)]
    [InlineData("same-origin", null, HttpStatusCode.OK)]
    [InlineData("none", null, HttpStatusCode.OK)]
    [InlineData("same-origin", "own", HttpStatusCode.OK)]
    [InlineData("cross-site", null, HttpStatusCode.Unauthorized)]
    [InlineData("same-site", null, HttpStatusCode.Unauthorized)]
    [InlineData(null, "https://evil.example", HttpStatusCode.Unauthorized)]
    [InlineData(null, "null", HttpStatusCode.Unauthorized)]
    public async Task The_session_cookie_counts_only_for_requests_from_the_apis_own_pages(string? fetchSite, string? origin, HttpStatusCode expected)
    {
        var request = CookieRequest(_optedIn, _issuer.CreateToken("user_cookie"), fetchSite, origin);

        var answer = await _optedIn.Http.SendAsync(request);

        Assert.Equal(expected, answer.StatusCode);
    }

    [Fact]
    public async Task Without_opting_in_the_session_cookie_is_not_read()
    {
        var answer = await _default.Http.SendAsync(CookieRequest(_default, _issuer.CreateToken("user_cookie"), "same-origin", null));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }

    [Fact]
    public async Task An_authorization_header_wins_over_the_session_cookie()
    {
        var request = CookieRequest(_optedIn, _issuer.CreateToken("user_cookie"), "same-origin", null);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not.a.jwt");

        var answer = await _optedIn.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }

    private static HttpRequestMessage CookieRequest(BearerTestApp app, string token, string? fetchSite, string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/claims");
        request.Headers.Add("Cookie", "__session=" + token);
        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin == "own" ? app.Http.BaseAddress!.GetLeftPart(UriPartial.Authority) : origin);
        }

        return request;
    }
}
