using AuthCache.Core.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AuthCache.AspNetCore;

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
        .WithMetrics(metrics => metrics.AddMeter(AuthCacheMetrics.MeterName, OrleansMeterName))
        .WithTracing(tracing => tracing.AddSource(AuthCacheActivities.SourceName));
}
