using AuthCache.ApiHost.Development;
using AuthCache.ApiHost.Endpoints;
using AuthCache.ApiHost.Hosting;
using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Endpoints;
using AuthCache.AspNetCore.Telemetry;

namespace AuthCache.ApiHost;

/// <summary>The API host, as a table of contents. Tests compose the very same application.</summary>
public static class ApiHostComposition
{
    public static WebApplicationBuilder AddApiHost(this WebApplicationBuilder builder)
    {
        builder.AddDevelopmentIssuer();
        builder.AddAuthCacheOrleans();
        builder.AddAuthCacheTelemetry();
        builder.Services.AddAuthentication(AuthCacheDefaults.AuthenticationScheme)
            .AddAuthCache()
            .AddAuthCacheDirect();
        builder.Services.AddAuthorization();
        return builder;
    }

    public static WebApplication MapApiHost(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDevelopmentIssuer();
        app.MapCurrentUser();
        app.MapCacheAdmin();
        app.MapPrometheusScrapingEndpoint();
        if (app.Configuration.RunsSilo())
        {
            app.MapAuthCacheDashboard();
        }

        return app;
    }
}
