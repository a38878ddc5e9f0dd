using AuthCache.AspNetCore;
using AuthCache.Core.Options;
using AuthCache.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Logging;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// The minimal API an adopter writes (Production, Kestrel on 127.0.0.1): <see cref="CreateBuilder"/> gives its builder,
/// <see cref="AddEmbeddedAuthCache"/> an embedded silo with the AuthCache grains and <c>AddAuthCache()</c>, and
/// <see cref="StartAsync"/> starts it and gives its address. The test binary's folder holds the API host's
/// appsettings.json, which quiets Orleans and Polly; an adopter's application has its own, so that file is not read.
/// </summary>
internal static class MinimalApp
{
    public static WebApplicationBuilder CreateBuilder(LogCapture? logs = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        foreach (var settings in builder.Configuration.Sources.OfType<JsonConfigurationSource>().ToList())
        {
            builder.Configuration.Sources.Remove(settings);
        }

        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        return builder;
    }

    /// <summary>A co-hosted silo of its own cluster (in-memory storage, no dashboard) and AuthCache configured by <paramref name="configure"/>.</summary>
    public static WebApplicationBuilder AddEmbeddedAuthCache(this WebApplicationBuilder builder, string clusterPrefix, Action<AuthCacheOptions> configure)
    {
        builder.Configuration["AuthCache:Dashboard:Enabled"] = "false";
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort.Next(), FreePort.Next(), clusterId: clusterPrefix + "-" + Guid.NewGuid().ToString("N"))
            .AddAuthCacheLocalPersistence()
            .AddAuthCacheGrains());
        builder.Services.AddAuthCache(configure);
        return builder;
    }

    /// <summary>Starts <paramref name="app"/> and gives the address Kestrel listens on.</summary>
    public static async Task<string> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    }
}
