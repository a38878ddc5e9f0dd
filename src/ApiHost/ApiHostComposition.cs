using AuthCache.ApiHost.Development;
using AuthCache.ApiHost.Endpoints;
using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Endpoints;
using AuthCache.AspNetCore.Revocation;
using AuthCache.AspNetCore.Telemetry;
using AuthCache.AspNetCore.Webhooks;
using AuthCache.Hosting;

namespace AuthCache.ApiHost;

/// <summary>The API host, as a table of contents. Tests compose the very same application.</summary>
public static class ApiHostComposition
{
    public static WebApplicationBuilder AddApiHost(this WebApplicationBuilder builder)
    {
        builder.AddDevelopmentIssuer();
        builder.AddAuthCacheCluster();
        builder.AddAuthCacheTelemetry();
        builder.Services.AddAuthentication(AuthCacheDefaults.AuthenticationScheme)
            .AddAuthCache()
            .AddAuthCacheDirect();
        builder.Services.AddAuthCacheRevocation();
        builder.Services.AddAuthorization();
        return builder;
    }

    public static WebApplication MapApiHost(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHomePage();
        app.MapDevelopmentIssuer();
        app.MapCurrentUser();
        app.MapCacheAdmin();
        app.MapCacheRevocation();
        app.MapClerkWebhooks();
        app.MapPrometheusScrapingEndpoint();
        if (app.Configuration.RunsSilo())
        {
            app.MapAuthCacheDashboard();
        }

        return app;
    }
}
