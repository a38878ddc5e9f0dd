using AuthCache.Core.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AuthCache.AspNetCore.Telemetry;

public static class AuthCacheTelemetryExtensions
{
    /// <summary>Orleans' own meter (grain calls, activations, messaging, membership).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>
    /// The .NET runtime's meter (GC heap sizes after each collection, GC pauses, working set, thread pool): what a silo's
    /// memory shedding reacts to, and what sizes its memory limit.
    /// </summary>
    public const string RuntimeMeterName = "System.Runtime";

    /// <summary>
    /// OpenTelemetry metrics for the <c>AuthCache</c> meter, ASP.NET Core, Orleans and the .NET runtime, exported in Prometheus
    /// format; map the scraping endpoint with <c>app.MapPrometheusScrapingEndpoint()</c> (<c>/metrics</c>).
    /// </summary>
    public static IHostApplicationBuilder AddAuthCacheTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddMeter(AuthCacheMetrics.MeterName, OrleansMeterName, RuntimeMeterName)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        return builder;
    }
}
