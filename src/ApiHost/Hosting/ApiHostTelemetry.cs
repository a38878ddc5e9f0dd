using AuthCache.AspNetCore;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AuthCache.ApiHost.Hosting;

public static class ApiHostTelemetry
{
    /// <summary>The .NET runtime's meter: GC heap sizes, pauses, thread pool.</summary>
    private const string RuntimeMeterName = "System.Runtime";

    /// <summary>
    /// AuthCache's and Orleans' instrumentation with ASP.NET Core's and the runtime's meters, exported for Prometheus
    /// (<c>/metrics</c>): the exporter is the host's choice, the library only adds its instruments. Traces (AuthCache's
    /// spans under ASP.NET Core's) go to the OTLP collector that <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names, and are not
    /// recorded at all without one.
    /// </summary>
    public static WebApplicationBuilder AddApiHostTelemetry(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics =>
                metrics
                    .AddAuthCacheInstrumentation()
                    .AddMeter(RuntimeMeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(tracing =>
                tracing.AddAuthCacheInstrumentation().AddAspNetCoreInstrumentation().AddOtlpExporter());
        }

        return builder;
    }
}
