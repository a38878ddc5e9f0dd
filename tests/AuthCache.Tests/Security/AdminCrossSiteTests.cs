using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Security;

/// <summary>
/// Admin routes against cross-site request forgery: what a page on another website can make an admin's browser
/// send (remembered Basic credentials, cross-site fetch metadata, a foreign <c>Origin</c>) is refused with 403 and a
/// reason, while scripts and terminals with the admin key header keep working.
/// </summary>
[Collection(SecurityApiCollection.Name)]
public sealed class AdminCrossSiteTests(SecurityApiFixture fixture)
{
    private const string Cleanup = "/api/v1/cache/cleanup";

    [Fact]
    public async Task A_cross_site_form_post_with_basic_credentials_is_refused_and_the_same_post_with_the_admin_key_header_succeeds()
    {
        using var forged = FormPost(Cleanup);
        forged.Headers.Authorization = Basic(SecurityApiFixture.AdminKey);
        forged.Headers.Add("Sec-Fetch-Site", "cross-site");
        forged.Headers.Add("Sec-Fetch-Mode", "navigate");
        forged.Headers.Add("Origin", "https://evil.example");
        using var scripted = FormPost(Cleanup);
        scripted.Headers.Add("X-Admin-Key", SecurityApiFixture.AdminKey);

        var refused = await fixture.Http.SendAsync(forged);
        var served = await fixture.Http.SendAsync(scripted);

        await AssertRefusedAsync(refused, "cross_site_request");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Basic_credentials_are_not_accepted_on_any_state_changing_admin_route_even_from_the_same_origin()
    {
        foreach (var (method, path) in AdminRoutes.StateChanging(fixture.Host.App.Services))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Form() };
            request.Headers.Authorization = Basic(SecurityApiFixture.AdminKey);

            var response = await fixture.Http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        }
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    [InlineData("CROSS-SITE")]
    public async Task A_request_a_browser_marks_as_sent_for_another_site_is_refused_whatever_its_credentials(string fetchSite)
    {
        using var request = FormPost(Cleanup);
        request.Headers.Add("X-Admin-Key", SecurityApiFixture.AdminKey);
        request.Headers.Add("Sec-Fetch-Site", fetchSite);

        await AssertRefusedAsync(await fixture.Http.SendAsync(request), "cross_site_request");
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("null")]
    [InlineData("http://127.0.0.1.evil.example")]
    [InlineData("http://localhost")]
    public async Task A_request_with_a_foreign_origin_is_refused_whatever_its_credentials(string origin)
    {
        using var request = FormPost(Cleanup);
        request.Headers.Add("X-Admin-Key", SecurityApiFixture.AdminKey);
        request.Headers.Add("Origin", origin);

        await AssertRefusedAsync(await fixture.Http.SendAsync(request), "foreign_origin");
    }

    [Theory]
    [InlineData("same-origin", true)]
    [InlineData("none", false)]
    public async Task A_request_from_the_hosts_own_origin_or_typed_by_the_admin_is_served(string fetchSite, bool withOwnOrigin)
    {
        using var request = FormPost(Cleanup);
        request.Headers.Add("X-Admin-Key", SecurityApiFixture.AdminKey);
        request.Headers.Add("Sec-Fetch-Site", fetchSite);
        if (withOwnOrigin)
        {
            request.Headers.Add("Origin", new Uri(fixture.Host.BaseUrl).GetLeftPart(UriPartial.Authority));
        }

        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Every_state_changing_admin_route_of_the_host_refuses_cross_site_requests_before_reading_them()
    {
        var routes = AdminRoutes.StateChanging(fixture.Host.App.Services);
        Assert.Superset(
            new HashSet<(string, string)> { ("POST", "/api/v1/cache/cleanup"), ("POST", "/api/v1/cache/jwks/refresh"), ("POST", "/api/v1/cache/revoke") },
            routes.ToHashSet());

        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Form() };
            request.Headers.Add("X-Admin-Key", SecurityApiFixture.AdminKey);
            request.Headers.Add("Sec-Fetch-Site", "cross-site");

            await AssertRefusedAsync(await fixture.Http.SendAsync(request), "cross_site_request");
        }
    }

    [Fact]
    public async Task A_cross_site_refusal_is_audited_with_its_reason()
    {
        var path = Cleanup + "?audit=" + Guid.NewGuid().ToString("N");
        using var request = FormPost(path);
        request.Headers.Add("X-Admin-Key", SecurityApiFixture.AdminKey);
        request.Headers.Add("Origin", "https://evil.example");

        await AssertRefusedAsync(await fixture.Http.SendAsync(request), "foreign_origin");

        Assert.Contains(fixture.Logs.Lines, l => l.Contains("AdminAuditLog[6002]", StringComparison.Ordinal)
            && l.Contains($"Admin action POST {Cleanup} denied to admin-key: foreign_origin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_dashboard_still_opens_with_basic_credentials()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Authorization = Basic(SecurityApiFixture.AdminKey);

        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.SendAsync(request)).StatusCode);
    }

    private static HttpRequestMessage FormPost(string path) => new(HttpMethod.Post, path) { Content = Form() };

    private static FormUrlEncodedContent Form() => new([new("scope", "expired"), new("sub", "user_csrf_victim")]);

    private static AuthenticationHeaderValue Basic(string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + password)));

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reason, (await response.JsonAsync()).GetProperty("reason").GetString());
    }
}
