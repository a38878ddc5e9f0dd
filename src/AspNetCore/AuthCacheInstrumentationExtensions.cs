using AuthCache.Core.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AuthCache.AspNetCore;

/// <summary>Adds AuthCache's metrics and traces to an application's OpenTelemetry setup.</summary>
public static class AuthCacheInstrumentationExtensions
{
    /// <summary>Orleans' own meter (grain calls, activations, messaging, membership).</summary>
    private const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>
    /// AuthCache's meter and Orleans' (metrics) and AuthCache's activity source (traces of validations, grain calls,
    /// JWKS and profile fetches), added to any OpenTelemetry setup: <c>services.AddOpenTelemetry()
    /// .AddAuthCacheInstrumentation()</c>, then the exporters the application chooses.
    /// </summary>
    public static IOpenTelemetryBuilder AddAuthCacheInstrumentation(this IOpenTelemetryBuilder builder) => builder
        .WithMetrics(metrics => metrics.AddAuthCacheInstrumentation())
        .WithTracing(tracing => tracing.AddAuthCacheInstrumentation());

    /// <summary>AuthCache's meter and Orleans': for a setup that exports metrics only.</summary>
    public static MeterProviderBuilder AddAuthCacheInstrumentation(this MeterProviderBuilder builder) =>
        builder.AddMeter(AuthCacheMetrics.MeterName, OrleansMeterName);

    /// <summary>
    /// AuthCache's activity source. A span is started only while a tracer provider listens, so add it where traces
    /// are exported: a listener without an exporter costs a span on every resolution for nothing.
    /// </summary>
    public static TracerProviderBuilder AddAuthCacheInstrumentation(this TracerProviderBuilder builder) =>
        builder.AddSource(AuthCacheActivities.SourceName);
}
