using System.Net;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.AspNetCore.Endpoints;

/// <summary>The Orleans Dashboard of the running API host (embedded silo), opened in headless Chromium.</summary>
[Collection(ApiHostCollection.Name)]
public sealed class DashboardBrowserTests(ApiHostFixture fixture)
{
    private static readonly string[] GrainTypes = ["TokenValidationGrain", "JwksGrain", "UserProfileGrain"];

    [Fact]
    public async Task Dashboard_answers_401_with_a_basic_challenge_without_credentials_or_with_a_wrong_password()
    {
        var anonymous = await fixture.Http.GetAsync("/dashboard/");
        var wrongPassword = await fixture.Http.SendBasicAsync(HttpMethod.Get, "/dashboard/", "admin", "not-the-key");
        var api = await fixture.Http.GetAsync("/dashboard/DashboardCounters");

        foreach (var response in new[] { anonymous, wrongPassword, api })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic" && h.Parameter!.Contains("realm=\"AuthCache\"", StringComparison.Ordinal));
            Assert.DoesNotContain("Orleans", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Dashboard_is_served_to_the_admin_key_header_basic_credentials_and_admin_tokens_but_not_to_other_tokens()
    {
        var adminToken = fixture.Issuer.CreateToken("user_dash_admin", extraClaims: new Dictionary<string, object> { ["role"] = "admin" });

        var byHeader = await fixture.Http.GetAsync("/dashboard/", adminKey: ApiHostFixture.AdminKey);
        var byBasic = await fixture.Http.SendBasicAsync(HttpMethod.Get, "/dashboard/", "anyone", ApiHostFixture.AdminKey);
        var byToken = await fixture.Http.GetAsync("/dashboard/", bearer: adminToken);
        var plainToken = await fixture.Http.GetAsync("/dashboard/", bearer: fixture.Issuer.CreateToken("user_dash_plain"));

        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        Assert.Contains("Orleans Dashboard", await byHeader.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, byBasic.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, plainToken.StatusCode);
    }

    [Fact]
    public async Task Dashboard_log_stream_is_hidden_by_default()
    {
        var response = await fixture.Http.GetAsync("/dashboard/Trace", adminKey: ApiHostFixture.AdminKey);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_browser_with_the_admin_key_as_basic_password_sees_the_project_grain_types()
    {
        var token = fixture.Issuer.CreateToken("user_dashboard_" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", token)).StatusCode);

        await using var browser = await HeadlessChromium.LaunchAsync();
        await browser.OpenAsync(fixture.Host.BaseUrl + "/dashboard/#/grains", "admin", ApiHostFixture.AdminKey);
        var text = await browser.WaitForTextAsync(t => GrainTypes.All(t.Contains), TimeSpan.FromSeconds(45));

        Assert.True(browser.AuthenticationChallenges > 0, "the dashboard must have asked the browser for credentials");
        Assert.All(GrainTypes, grainType => Assert.Contains(grainType, text));
        Assert.DoesNotContain(token.Split('.')[2], text);
    }
}
