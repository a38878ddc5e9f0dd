using System.Net;
using System.Text.Json;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Core.Validation;

/// <summary>
/// Clerk's organisation claims through the real API host: a version 2 token's compact <c>o</c> claim satisfies the
/// same <c>RequireClaim</c> policies as a version 1 token's top-level claims, on a first request and on cache hits.
/// </summary>
[Collection(RevocationApiCollection.Name)]
public sealed class OrganizationClaimsApiTests(RevocationApiFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    /// <summary>A version 2 session token's claims: the organisation compact, its features in <c>fea</c>.</summary>
    private static Dictionary<string, object> Version2(string role, string bitmasks) => new()
    {
        ["v"] = 2,
        ["fea"] = "o:dashboard,o:teams",
        ["o"] = new Dictionary<string, object> { ["id"] = "org_2abc", ["slg"] = "acme", ["rol"] = role, ["per"] = "manage,read", ["fpm"] = bitmasks },
    };

    private static Dictionary<string, object> Version1(string role, params string[] permissions) => new()
    {
        ["org_id"] = "org_2abc",
        ["org_slug"] = "acme",
        ["org_role"] = role,
        ["org_permissions"] = permissions,
    };

    private static async Task<ILookup<string, string>> ClaimsOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = (await response.JsonAsync()).GetProperty("claims").EnumerateArray();
        return claims.ToLookup(c => c.GetProperty("type").GetString()!, c => c.GetProperty("value").GetString()!);
    }

    [Fact]
    public async Task A_version_2_admin_passes_an_org_role_policy_written_for_version_1_on_every_request()
    {
        var version2 = fixture.Token(NewId("user_"), extraClaims: Version2("admin", "3,2"));
        var version1 = fixture.Token(NewId("user_"), extraClaims: Version1("org:admin"));

        foreach (var token in new[] { version2, version2, version1, version1 })
        {
            Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(RevocationApiFixture.OrganizationAdminRoute, token)).StatusCode);
        }
    }

    [Fact]
    public async Task Members_and_users_without_an_active_organisation_are_forbidden_by_the_org_role_policy()
    {
        var member = fixture.Token(NewId("user_"), extraClaims: Version2("member", "2,2"));
        var noOrganization = fixture.Token(NewId("user_"), extraClaims: new Dictionary<string, object> { ["v"] = 2, ["fea"] = "u:profile" });
        var version1Member = fixture.Token(NewId("user_"), extraClaims: Version1("org:member"));

        foreach (var token in new[] { member, noOrganization, version1Member })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Http.GetAsync(RevocationApiFixture.OrganizationAdminRoute, token)).StatusCode);
        }
    }

    [Fact]
    public async Task A_permission_policy_reads_the_feature_permission_bitmasks_of_version_2_and_the_list_of_version_1()
    {
        // 3 = manage and read of the dashboard; 2 = read only (the first name of "per" is the lowest bit).
        var manager = fixture.Token(NewId("user_"), extraClaims: Version2("admin", "3,2"));
        var reader = fixture.Token(NewId("user_"), extraClaims: Version2("admin", "2,3"));
        var version1Manager = fixture.Token(NewId("user_"), extraClaims: Version1("org:member", "org:dashboard:manage"));

        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(RevocationApiFixture.DashboardManagersRoute, manager)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.GetAsync(RevocationApiFixture.DashboardManagersRoute, reader)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(RevocationApiFixture.DashboardManagersRoute, version1Manager)).StatusCode);
    }

    [Fact]
    public async Task The_organisation_claims_of_a_version_2_token_are_listed_beside_its_own_claims_by_both_schemes()
    {
        var token = fixture.Token(NewId("user_"), extraClaims: Version2("admin", "3,2"));

        foreach (var route in new[] { "/api/v1/me", "/api/v1/me", "/api/v1/direct/me" })
        {
            var claims = await ClaimsOfAsync(await Http.GetAsync(route, token));

            Assert.Equal(["org_2abc"], claims["org_id"]);
            Assert.Equal(["acme"], claims["org_slug"]);
            Assert.Equal(["org:admin"], claims["org_role"]);
            Assert.Equal(["org:dashboard:manage", "org:dashboard:read", "org:teams:read"], claims["org_permissions"]);
            Assert.Equal("org_2abc", JsonDocument.Parse(claims["o"].Single()).RootElement.GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task A_valid_token_with_an_unreadable_organisation_is_accepted_without_one_and_the_log_names_only_the_problem()
    {
        var marker = NewId("org_secret_");
        var token = fixture.Token(NewId("user_"), extraClaims: new Dictionary<string, object>
        {
            ["v"] = 2,
            ["o"] = new Dictionary<string, object> { ["id"] = marker, ["rol"] = new[] { "admin" } },
        });

        var claims = await ClaimsOfAsync(await Http.GetAsync("/api/v1/me", token));

        Assert.Empty(claims["org_id"]);
        Assert.Empty(claims["org_role"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.GetAsync(RevocationApiFixture.OrganizationAdminRoute, token)).StatusCode);
        var lines = fixture.Host.Logs.Lines.Where(l => l.Contains("[1103]", StringComparison.Ordinal) && l.Contains("wrong_type", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.StartsWith("Debug ", line, StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Host.Logs.Lines, l => l.Contains(marker, StringComparison.Ordinal) || l.Contains(token, StringComparison.Ordinal));
    }
}
