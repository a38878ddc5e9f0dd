using System.Net;
using System.Text.Json;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>A health endpoint's HTTP status and reported status (Healthy, Degraded, Unhealthy).</summary>
public sealed record HealthResponse(HttpStatusCode Status, string Report)
{
    public static async Task<HealthResponse> GetAsync(NodeProcess node, string path)
    {
        using var response = await node.Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        var report = text.StartsWith('{') ? JsonDocument.Parse(text).RootElement.GetProperty("status").GetString()! : text;
        return new HealthResponse(response.StatusCode, report);
    }
}
