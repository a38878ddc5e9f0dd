using System.Net;
using AuthCache.ApiHost.Endpoints;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.ApiHost.Endpoints;

[Collection(ApiHostCollection.Name)]
public sealed class HomePageTests(ApiHostFixture fixture)
{
    [Fact]
    public async Task Outside_development_the_home_page_links_the_documentation_and_no_development_or_admin_route()
    {
        using var response = await fixture.Http.GetAsync("/");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"href=\"{HomePageEndpoints.DocumentationUrl}\"", page);
        foreach (var hidden in new[] { "/dev/token", "/api/v1/me", "/api/v1/cache", "/dashboard", "/health", "curl", "X-Admin-Key", ApiHostFixture.AdminKey })
        {
            Assert.DoesNotContain(hidden, page);
        }
    }
}
