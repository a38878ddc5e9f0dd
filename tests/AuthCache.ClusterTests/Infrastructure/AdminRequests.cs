using System.Net;
using System.Text.Json;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>Admin calls of an API host process, with the cluster's admin key.</summary>
public static class AdminRequests
{
    public static async Task<(HttpStatusCode Status, JsonElement Body)> RevokeAsync(NodeProcess apiHost, string kind, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cache/revoke")
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>(kind, value)]),
        };
        request.Headers.Add("X-Admin-Key", LocalCluster.AdminKey);
        using var response = await apiHost.Http.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.Clone());
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> RefreshKeysAsync(NodeProcess apiHost)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cache/jwks/refresh");
        request.Headers.Add("X-Admin-Key", LocalCluster.AdminKey);
        using var response = await apiHost.Http.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.Clone());
    }
}
