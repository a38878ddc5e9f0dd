using System.Text;
using System.Text.Encodings.Web;
using AuthCache.ApiHost.Development;
using AuthCache.AspNetCore.Admin;
using AuthCache.Core.Options;
using AuthCache.Hosting;
using Microsoft.Extensions.Options;

namespace AuthCache.ApiHost.Endpoints;

public static class HomePageEndpoints
{
    public const string DocumentationUrl = "https://github.com/authcache/authcache#readme";

    /// <summary>
    /// <c>GET /</c>: a short page. In Development it is the first-run guide: a token from the development issuer, the
    /// curl line that uses it, and the admin, dashboard and health routes. Elsewhere it names the host and links to the
    /// documentation only.
    /// </summary>
    public static IEndpointRouteBuilder MapHomePage(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var page = new Lazy<string>(() => services.GetRequiredService<IHostEnvironment>().IsDevelopment()
            ? DevelopmentPage(services)
            : MinimalPage());
        endpoints.MapGet("/", () => Results.Content(page.Value, "text/html; charset=utf-8"))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return endpoints;
    }

    private static string MinimalPage() =>
        Page(
            new StringBuilder()
                .Append("<p>This host's API authenticates with AuthCache. See the <a href=\"")
                .Append(DocumentationUrl)
                .Append("\">documentation</a>.</p>"));

    private static string DevelopmentPage(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var issuer = services.GetService<DevelopmentIssuer>();
        var body = new StringBuilder("<p>Development. Try it:</p>\n<ul>\n");
        if (issuer is not null)
        {
            var baseUrl = issuer.BaseUrl;
            Item(
                body,
                "/dev/token",
                "a token of the development issuer (<code>?sub=user_x&amp;ttl=300&amp;role=admin</code>)");
            Item(
                body,
                "/api/v1/me",
                "who the token's bearer is, through the cache:",
                $"curl -s -H \"Authorization: Bearer $(curl -s {baseUrl}/dev/token)\" {baseUrl}/api/v1/me");
            var adminKey = DevelopmentAdminKey(services, configuration);
            Item(
                body,
                "/api/v1/cache/stats",
                "the cluster's cache statistics (admin):",
                adminKey is null ? null : $"curl -s -H \"X-Admin-Key: {adminKey}\" {baseUrl}/api/v1/cache/stats");
        }
        else
        {
            Item(body, "/api/v1/me", "who a token's bearer is, through the cache (a token of a configured issuer)");
            Item(body, "/api/v1/cache/stats", "the cluster's cache statistics (admin: <code>X-Admin-Key</code>)");
        }

        var dashboard = configuration.GetSection(AuthCacheDashboardOptions.SectionName).Get<AuthCacheDashboardOptions>()
            ?? new();
        if (configuration.RunsSilo() && dashboard.Enabled)
        {
            Item(body, "/dashboard/", "the Orleans Dashboard (any user name, the admin key as password)");
        }

        Item(body, "/health/ready", "readiness: the cluster and the signing keys");
        body.Append("</ul>\n<p>Configuration, endpoints and operations: the <a href=\"")
            .Append(DocumentationUrl)
            .Append("\">README and docs</a>.</p>");
        return Page(body);
    }

    /// <summary>
    /// The development admin key, shown only while it is the admin key in force (it is public knowledge, a real key
    /// never is).
    /// </summary>
    private static string? DevelopmentAdminKey(IServiceProvider services, IConfiguration configuration)
    {
        var developmentKey = configuration[DevelopmentIssuerExtensions.AdminKeySetting];
        var inForce = services.GetRequiredService<IOptions<AuthCacheAdminOptions>>().Value.ApiKey;
        return !string.IsNullOrEmpty(developmentKey) && string.Equals(developmentKey, inForce, StringComparison.Ordinal)
            ? developmentKey
            : null;
    }

    private static void Item(StringBuilder body, string path, string description, string? command = null)
    {
        body.Append("<li><a href=\"")
            .Append(path)
            .Append("\"><code>")
            .Append(path)
            .Append("</code></a>: ")
            .Append(description);
        if (command is not null)
        {
            body.Append("<pre>").Append(HtmlEncoder.Default.Encode(command)).Append("</pre>");
        }

        body.Append("</li>\n");
    }

    private static string Page(StringBuilder body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>AuthCache API host</title></head>
        <body>
        <h1>AuthCache API host</h1>
        {body}
        </body>
        </html>
        """;
}
