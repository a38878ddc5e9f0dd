using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>What <c>GET /api/v1/me</c> answered: status, and for a 200 where the answer came from.</summary>
public sealed record MeResponse(HttpStatusCode Status, string? Source, bool? FromCache, string? Subject, string? Reason)
{
    public bool IsServerError => (int)Status >= 500;

    public override string ToString() => $"{(int)Status} {Source} fromCache={FromCache} {Reason}";

    /// <param name="path"><c>/api/v1/me</c> (the cached scheme) or <c>/api/v1/direct/me</c> (the direct scheme).</param>
    public static async Task<MeResponse> GetAsync(NodeProcess apiHost, string token, CancellationToken cancellationToken = default, string path = "/api/v1/me")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await apiHost.Http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var challenge = response.Headers.WwwAuthenticate.FirstOrDefault()?.Parameter;
            return new MeResponse(response.StatusCode, null, null, null, challenge);
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = body.RootElement;
        return new MeResponse(response.StatusCode, root.GetProperty("source").GetString(), root.GetProperty("fromCache").GetBoolean(), root.GetProperty("subject").GetString(), null);
    }
}
