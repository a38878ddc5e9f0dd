using Microsoft.Extensions.Options;
using Polly.Telemetry;

namespace AuthCache.Grains.Diagnostics;

/// <summary>
/// Orleans places every new activation through its <c>Orleans.Placement</c> Polly pipeline, and Polly's telemetry
/// reports each run ("Resilience pipeline executed", "Execution attempt") at Information: two log lines per new
/// activation, so per uncached token, under the logging defaults of <c>dotnet new web</c>. Those two become Debug for
/// that pipeline only: its retries and timeouts (Warning) and every other pipeline's telemetry, the application's
/// HTTP clients' among them, stay as they were, and so does a severity the application chose itself.
/// </summary>
internal sealed class QuietPlacementTelemetry : IPostConfigureOptions<TelemetryOptions>
{
    // Orleans' own key for the pipeline (OrleansRuntimeResiliencePolicies.PlacementResiliencePipelineKey, internal).
    private const string PlacementPipeline = "Orleans.Placement";

    public void PostConfigure(string? name, TelemetryOptions options)
    {
        var chosen = options.SeverityProvider;
        options.SeverityProvider = args =>
        {
            var severity = chosen?.Invoke(args) ?? args.Event.Severity;
            return severity == ResilienceEventSeverity.Information
                && string.Equals(args.Source.PipelineName, PlacementPipeline, StringComparison.Ordinal)
                ? ResilienceEventSeverity.Debug
                : severity;
        };
    }
}
