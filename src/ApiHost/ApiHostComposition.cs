using AuthCache.ApiHost.Development;
using AuthCache.ApiHost.Endpoints;
using AuthCache.ApiHost.Hosting;
using AuthCache.AspNetCore;
using AuthCache.Hosting;

namespace AuthCache.ApiHost;

/// <summary>The API host, as a table of contents. Tests compose the very same application.</summary>
public static class ApiHostComposition
{
    public static WebApplicationBuilder AddApiHost(this WebApplicationBuilder builder)
    {
        builder.AddDevelopmentIssuer();
        builder.AddAuthCacheCluster();
        builder.AddApiHostTelemetry();
        builder.AddApiHostAuthentication();
        builder.AddApiHostForwardedHeaders();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapApiHost(this WebApplication app)
    {
        // First: everything after it, authentication's failure limit included, sees the client's address.
        app.UseForwardedHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHomePage();
        app.MapDevelopmentIssuer();
        app.MapCurrentUser();
        app.MapCacheAdmin();
        app.MapCacheRevocation();
        app.MapClerkWebhooks();
        app.MapAuthCacheHealthChecks();
        app.MapPrometheusScrapingEndpoint();
        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi();
        }

        if (app.Configuration.RunsSilo())
        {
            app.MapAuthCacheDashboard();
        }

        return app;
    }
}
