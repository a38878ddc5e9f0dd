using System.Net.Http.Headers;
using System.Text;

namespace AuthCache.Tests.Security;

public static partial class AttackCorpus
{
    /// <summary>
    /// What a web page can make an admin's browser send to every state-changing admin route the host maps (read from
    /// its endpoints, so a new route is covered without being listed): a form post carrying the Basic credentials the
    /// browser remembers from the dashboard, and requests marked cross-site or same-site by <c>Sec-Fetch-Site</c> or
    /// carrying a foreign <c>Origin</c>, whatever credentials they hold.
    /// </summary>
    private static IEnumerable<AttackCase> CrossSiteAdminRequests(CorpusContext context)
    {
        const string section = "cross-site admin requests";
        var fixture = context.Fixture;
        var own = new Uri(fixture.Host.BaseUrl);
        var adminToken = fixture.Primary.CreateToken("user_csrf_admin", extraClaims: new Dictionary<string, object> { ["role"] = SecurityApiFixture.AdminRole });
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + SecurityApiFixture.AdminKey)));
        var bearer = new AuthenticationHeaderValue("Bearer", adminToken);
        var variants = new (string Name, AuthenticationHeaderValue? Authorization, bool AdminKeyHeader, string? FetchSite, string? Origin, int Status, string? Reason)[]
        {
            ("a same-origin form post with Basic credentials", basic, false, null, null, 401, null),
            ("a cross-site form post with Basic credentials", basic, false, "cross-site", "https://evil.example", 403, CrossSiteReason),
            ("a same-site form post with Basic credentials", basic, false, "same-site", null, 403, CrossSiteReason),
            ("a cross-site request with the admin key header", null, true, "cross-site", null, 403, CrossSiteReason),
            ("a same-site request with the admin key header", null, true, "same-site", null, 403, CrossSiteReason),
            ("a foreign Origin with the admin key header", null, true, null, "https://evil.example", 403, ForeignOriginReason),
            ("Origin null with the admin key header", null, true, null, "null", 403, ForeignOriginReason),
            ("an Origin of another port with the admin key header", null, true, null, $"{own.Scheme}://{own.Host}:{(own.Port == 1 ? 2 : own.Port - 1)}", 403, ForeignOriginReason),
            ("an Origin of the other scheme with the admin key header", null, true, null, $"https://{own.Host}:{own.Port}", 403, ForeignOriginReason),
            ("a cross-site request with an admin token", bearer, false, "cross-site", null, 403, CrossSiteReason),
        };

        var routes = AdminRoutes.StateChanging(fixture.Host.App.Services);
        return routes.SelectMany(route => variants.Select(v => new AttackCase(
            section,
            $"{v.Name} to {route.Method} {route.Path}",
            v.Status,
            v.Reason,
            () =>
            {
                var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path)
                {
                    Content = new FormUrlEncodedContent([new("sub", "user_csrf_victim"), new("scope", "all")]),
                };
                request.Headers.Authorization = v.Authorization;
                if (v.AdminKeyHeader)
                {
                    request.Headers.Add("X-Admin-Key", SecurityApiFixture.AdminKey);
                }

                if (v.FetchSite is not null)
                {
                    request.Headers.Add("Sec-Fetch-Site", v.FetchSite);
                    request.Headers.Add("Sec-Fetch-Mode", "navigate");
                }

                if (v.Origin is not null)
                {
                    request.Headers.Add("Origin", v.Origin);
                }

                return request;
            },
            v.Authorization == bearer ? adminToken : null))).ToArray();
    }

    private const string CrossSiteReason = "cross_site_request";
    private const string ForeignOriginReason = "foreign_origin";
}
