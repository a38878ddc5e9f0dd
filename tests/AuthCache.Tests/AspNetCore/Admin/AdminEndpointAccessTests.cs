using System.Net;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.AspNetCore.Admin;

/// <summary>Every admin route of the running API host with and without credentials.</summary>
[Collection(ApiHostCollection.Name)]
public sealed class AdminEndpointAccessTests(ApiHostFixture fixture)
{
    public static TheoryData<string, string> AdminRoutes => new()
    {
        { "GET", "/api/v1/cache/stats" },
        { "POST", "/api/v1/cache/cleanup" },
        { "POST", "/api/v1/cache/jwks/refresh?issuer=" + Uri.EscapeDataString("placeholder") },
        { "GET", "/dashboard/" },
    };

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task Admin_route_refuses_anonymous_callers_and_wrong_keys_with_401(string method, string path)
    {
        var anonymous = await fixture.Http.SendAsync(new HttpMethod(method), Route(path));
        var wrongKey = await fixture.Http.SendAsync(new HttpMethod(method), Route(path), adminKey: "not-the-key");
        var wrongBasic = await fixture.Http.SendBasicAsync(new HttpMethod(method), Route(path), "admin", "not-the-key");
        var badToken = await fixture.Http.SendAsync(new HttpMethod(method), Route(path), bearer: fixture.Issuer.CreateToken("user_x", now: DateTime.UtcNow.AddHours(-3)));

        Assert.All([anonymous, wrongKey, wrongBasic, badToken], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        // Only the dashboard, the one place Basic credentials count, makes a browser prompt for them.
        Assert.Equal(path.StartsWith("/dashboard", StringComparison.Ordinal), anonymous.Headers.WwwAuthenticate.Any(h => h.Scheme == "Basic"));
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task Admin_route_refuses_a_valid_token_without_the_admin_role_with_403(string method, string path)
    {
        var response = await fixture.Http.SendAsync(new HttpMethod(method), Route(path), bearer: fixture.Issuer.CreateToken("user_not_admin"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task Admin_route_serves_the_admin_key_and_admin_tokens(string method, string path)
    {
        var adminToken = fixture.Issuer.CreateToken("user_route_admin", extraClaims: new Dictionary<string, object> { ["role"] = ApiHostFixture.AdminRole });

        var byHeader = await fixture.Http.SendAsync(new HttpMethod(method), Route(path), adminKey: ApiHostFixture.AdminKey);
        var byToken = await fixture.Http.SendAsync(new HttpMethod(method), Route(path), bearer: adminToken);

        Assert.All([byHeader, byToken], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task Basic_credentials_with_the_admin_key_open_only_the_dashboard(string method, string path)
    {
        var byBasic = await fixture.Http.SendBasicAsync(new HttpMethod(method), Route(path), "admin", ApiHostFixture.AdminKey);

        Assert.Equal(path.StartsWith("/dashboard", StringComparison.Ordinal) ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, byBasic.StatusCode);
    }

    [Fact]
    public async Task An_admin_role_stated_by_a_trusted_issuer_that_is_not_an_admin_issuer_is_refused_with_403()
    {
        var otherIssuerAdmin = fixture.Issuer.CreateToken("user_other_issuer_admin", issuer: fixture.AudienceIssuer, audience: ApiHostFixture.Audience, extraClaims: new Dictionary<string, object> { ["role"] = ApiHostFixture.AdminRole });
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", otherIssuerAdmin)).StatusCode);

        var response = await fixture.Http.GetAsync("/api/v1/cache/stats", bearer: otherIssuerAdmin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_token_carrying_the_admin_key_marker_claim_is_not_an_admin()
    {
        var marked = fixture.Issuer.CreateToken("user_marker", extraClaims: new Dictionary<string, object> { [AuthCache.AspNetCore.Admin.AdminKeyAuthenticationHandler.AdminKeyClaimType] = "true" });

        var response = await fixture.Http.GetAsync("/api/v1/cache/stats", bearer: marked);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Demo_request_cache_needs_a_valid_token()
    {
        var anonymous = await fixture.Http.GetAsync("/api/v1/cache/demo/request-cache");
        var authenticated = await fixture.Http.GetAsync("/api/v1/cache/demo/request-cache", bearer: fixture.Issuer.CreateToken("user_demo"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        var body = await authenticated.JsonAsync();
        Assert.Equal(1, body.GetProperty("clusterCalls").GetInt32());
        Assert.Equal(5, body.GetProperty("requestCacheHits").GetInt32());
    }

    [Fact]
    public async Task Probes_and_metrics_are_anonymous()
    {
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/metrics")).StatusCode);
        // One configured issuer's keys can never be fetched, so readiness reports it.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await fixture.Http.GetAsync("/health/ready")).StatusCode);
    }

    // The one issuer whose key endpoint answers: a refresh of it succeeds, whoever asks.
    private string Route(string path) => path.Replace(Uri.EscapeDataString("placeholder"), Uri.EscapeDataString(fixture.Issuer.Issuer), StringComparison.Ordinal);
}
