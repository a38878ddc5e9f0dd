using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>One span as a process exported it: its ids (hex), name, attributes and the exporting service.</summary>
public sealed record ExportedSpan(string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP trace endpoint on 127.0.0.1 (<c>POST /v1/traces</c>, protobuf), standing in for a collector: the
/// processes under test export to it with their own OpenTelemetry exporter, configured only by the standard
/// <c>OTEL_*</c> environment variables (<see cref="ExporterSettings"/>).
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();

    private OtlpTraceReceiver(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    public IReadOnlyCollection<ExportedSpan> Spans => _spans;

    /// <summary>What a process needs to export its traces here, in OTLP/HTTP, within half a second of a span ending.</summary>
    public IReadOnlyDictionary<string, string> ExporterSettings => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
    };

    public static async Task<OtlpTraceReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new OtlpTraceReceiver(app, $"http://127.0.0.1:{port}");
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var span in ExportRequest.Read(body.ToArray()))
            {
                receiver._spans.Enqueue(span);
            }

            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// The fields of <c>ExportTraceServiceRequest</c> (opentelemetry-proto, trace/v1) this test reads; every other
    /// field is skipped.
    /// </summary>
    private static class ExportRequest
    {
        public static IEnumerable<ExportedSpan> Read(byte[] request)
        {
            var spans = new List<ExportedSpan>();
            foreach (var resourceSpans in Messages(request, field: 1))
            {
                var service = "";
                foreach (var resource in Messages(resourceSpans, field: 1))
                {
                    service = Attributes(resource, field: 1).GetValueOrDefault("service.name", "");
                }

                foreach (var scopeSpans in Messages(resourceSpans, field: 2))
                {
                    var scope = Messages(scopeSpans, field: 1).Select(s => Strings(s, field: 1).FirstOrDefault() ?? "").FirstOrDefault() ?? "";
                    spans.AddRange(Messages(scopeSpans, field: 2).Select(span => new ExportedSpan(
                        service,
                        scope,
                        Hex(Bytes(span, field: 1)),
                        Hex(Bytes(span, field: 2)),
                        Hex(Bytes(span, field: 4)),
                        Strings(span, field: 5).FirstOrDefault() ?? "",
                        Attributes(span, field: 9))));
                }
            }

            return spans;
        }

        /// <summary>KeyValue attributes whose AnyValue is a string, bool, int or double, as text.</summary>
        private static Dictionary<string, string> Attributes(byte[] message, int field) =>
            Messages(message, field)
                .Select(kv => (Key: Strings(kv, field: 1).FirstOrDefault() ?? "", Value: Messages(kv, field: 2).Select(AnyValue).FirstOrDefault() ?? ""))
                .GroupBy(kv => kv.Key)
                .ToDictionary(g => g.Key, g => g.Last().Value);

        private static string AnyValue(byte[] value)
        {
            var input = new CodedInputStream(value);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1: return input.ReadString();
                    case 2: return input.ReadBool() ? "true" : "false";
                    case 3: return input.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    case 4: return input.ReadDouble().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    default: input.SkipLastField(); break;
                }
            }

            return "";
        }

        private static byte[] Bytes(byte[] message, int field) => Messages(message, field).FirstOrDefault() ?? [];

        private static IEnumerable<string> Strings(byte[] message, int field) =>
            Messages(message, field).Select(bytes => System.Text.Encoding.UTF8.GetString(bytes));

        /// <summary>The length-delimited values (messages, bytes, strings) of <paramref name="field"/>, in order.</summary>
        private static List<byte[]> Messages(byte[] message, int field)
        {
            var values = new List<byte[]>();
            var input = new CodedInputStream(message);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    values.Add(input.ReadBytes().ToByteArray());
                }
                else
                {
                    input.SkipLastField();
                }
            }

            return values;
        }

        private static string Hex(byte[] id) => Convert.ToHexStringLower(id);
    }
}
