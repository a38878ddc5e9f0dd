using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using AuthCache.ClusterTests.Infrastructure;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Validation;

namespace AuthCache.ClusterTests;

/// <summary>
/// Traces in the cluster deployment, exported by the processes themselves (OTLP/HTTP, set by the standard
/// <c>OTEL_*</c> variables) to a receiver the test runs: a silo process and a client-mode API host process.
/// </summary>
public sealed class DistributedTracingTests
{
    private const string ApiHostService = "AuthCache.ApiHost";
    private const string SiloService = "AuthCache.Silo";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_request_trace_continues_from_the_client_mode_host_into_the_token_grain_in_the_silo_process_and_names_neither_token_nor_hash()
    {
        await using var receiver = await OtlpTraceReceiver.StartAsync();
        await using var cluster = await LocalCluster.StartAsync(silos: 0, apiHosts: 0);
        await cluster.StartSiloAsync(receiver.ExporterSettings);
        var host = await cluster.StartApiHostAsync(settings: receiver.ExporterSettings);
        var token = cluster.Issuer.CreateToken("user_traced_" + Guid.NewGuid().ToString("N"));
        var caller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("traceparent", $"00-{caller.TraceId}-{caller.SpanId}-01");
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var traceId = caller.TraceId.ToHexString();
        var callerSpanId = caller.SpanId.ToHexString();
        IReadOnlyList<ExportedSpan> trace = [];
        await Eventually.UntilAsync(
            () =>
            {
                trace = receiver.Spans.Where(s => s.TraceId == traceId).ToList();
                // The request's own span ends last, after the answer, so it may come in a later export than the others.
                return Task.FromResult(
                    trace.Any(s => s.Service == SiloService && s.Name == AuthCacheActivities.ValidateTokenActivity)
                    && trace.Any(s => s.Service == ApiHostService && s.Name == AuthCacheActivities.ResolveActivity)
                    && trace.Any(s => s.Service == ApiHostService && s.ParentSpanId == callerSpanId));
            },
            Patience, "both processes exporting their spans of the request's trace", () => Describe(receiver));

        var resolve = Assert.Single(trace, s => s.Service == ApiHostService && s.Name == AuthCacheActivities.ResolveActivity);
        var validate = Assert.Single(trace, s => s.Service == SiloService && s.Name == AuthCacheActivities.ValidateTokenActivity);
        Assert.Equal("cluster", resolve.Attributes[AuthCacheActivities.SourceTag]);
        Assert.Contains(trace, s => s.Service == ApiHostService && s.ParentSpanId == callerSpanId);

        // The grain's span hangs under the host's, through the silo's own spans of the call if it makes any.
        var ancestors = Ancestors(validate, trace).ToList();
        Assert.Contains(resolve, ancestors);
        Assert.All(ancestors.TakeWhile(s => s != resolve), s => Assert.Equal(SiloService, s.Service));

        // No exported name or attribute carries the token (its signature is the secret part) or its hash, the grain's key.
        foreach (var secret in new[] { token.Split('.')[2], TokenHash.Compute(token) })
        {
            Assert.DoesNotContain(receiver.Spans, s => s.Name.Contains(secret, StringComparison.Ordinal) || s.Attributes.Values.Any(v => v.Contains(secret, StringComparison.Ordinal)));
        }
    }

    private static IEnumerable<ExportedSpan> Ancestors(ExportedSpan span, IReadOnlyList<ExportedSpan> trace)
    {
        for (var parent = trace.FirstOrDefault(s => s.SpanId == span.ParentSpanId); parent is not null; parent = trace.FirstOrDefault(s => s.SpanId == parent.ParentSpanId))
        {
            yield return parent;
        }
    }

    private static string Describe(OtlpTraceReceiver receiver) =>
        "spans received: " + string.Join(", ", receiver.Spans.Select(s => $"{s.Service}/{s.Name} trace {s.TraceId[..8]}"));
}
