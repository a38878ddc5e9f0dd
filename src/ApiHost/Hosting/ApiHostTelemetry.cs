using AuthCache.AspNetCore;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AuthCache.ApiHost.Hosting;

public static class ApiHostTelemetry
{
    /// <summary>The .NET runtime's meter: GC heap sizes, pauses, thread pool.</summary>
    private const string RuntimeMeterName = "System.Runtime";

    /// <summary>
    /// AuthCache's and Orleans' instrumentation with ASP.NET Core's and the runtime's meters, exported for Prometheus
    /// (<c>/metrics</c>): the exporter is the host's choice, the library only adds its instruments.
    /// </summary>
    public static WebApplicationBuilder AddApiHostTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .AddAuthCacheInstrumentation()
            .WithMetrics(metrics => metrics.AddMeter(RuntimeMeterName).AddAspNetCoreInstrumentation().AddPrometheusExporter());
        return builder;
    }
}
