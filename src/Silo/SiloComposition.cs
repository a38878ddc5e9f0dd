using AuthCache.AspNetCore;
using AuthCache.Hosting;
using AuthCache.Silo.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AuthCache.Silo;

public static class SiloComposition
{
    private const string ReadyTag = "ready";

    /// <summary>
    /// The .NET runtime's meter: GC heap sizes (what memory shedding reacts to), pauses, thread pool.
    /// </summary>
    private const string RuntimeMeterName = "System.Runtime";

    /// <summary>
    /// A silo with the AuthCache grains: Redis clustering, reminders and storage when
    /// <c>Orleans:Redis:ConnectionString</c> is set, localhost clustering otherwise (<c>Orleans:PrimarySiloPort</c>
    /// lets it join another local silo, for example an API host's). Its web side serves the health probes,
    /// <c>/metrics</c> and the Orleans Dashboard (admin key, as header or Basic password).
    /// </summary>
    public static WebApplicationBuilder AddStandaloneSilo(this WebApplicationBuilder builder)
    {
        builder.AddAuthCacheSilo();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics =>
                metrics
                    .AddAuthCacheInstrumentation()
                    .AddMeter(RuntimeMeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddPrometheusExporter());

        // Traces only where they go somewhere: a listener without an exporter would start a span per validation for
        // nothing.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(tracing => tracing.AddAuthCacheInstrumentation().AddOtlpExporter());
        }

        builder.Services.AddAuthentication(AuthCacheDefaults.AdminKeyScheme).AddAuthCacheAdmin();
        builder.Services.AddHealthChecks().AddCheck<SiloMembershipHealthCheck>("silo-membership", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c> (the process serves HTTP; no dependency checked), <c>/health/ready</c> (active in the
    /// cluster), <c>/metrics</c> and <c>/dashboard/</c>.
    /// </summary>
    public static WebApplication MapSilo(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        app.MapPrometheusScrapingEndpoint();
        app.MapAuthCacheDashboard();
        return app;
    }
}
