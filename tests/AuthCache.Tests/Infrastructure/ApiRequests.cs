using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AuthCache.Tests.Infrastructure;

internal static class ApiRequests
{
    public static Task<HttpResponseMessage> GetAsync(this HttpClient http, string path, string? bearer = null, string? adminKey = null) =>
        http.SendAsync(HttpMethod.Get, path, bearer, adminKey);

    public static Task<HttpResponseMessage> PostAsync(this HttpClient http, string path, string? bearer = null, string? adminKey = null) =>
        http.SendAsync(HttpMethod.Post, path, bearer, adminKey);

    /// <summary>A request with HTTP Basic credentials, as a browser sends them after its login prompt.</summary>
    public static Task<HttpResponseMessage> SendBasicAsync(this HttpClient http, HttpMethod method, string path, string user, string password)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + password)));
        return http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient http, HttpMethod method, string path, string? bearer = null, string? adminKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }

        return http.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The <c>error_description</c> of the Bearer challenge, or null.</summary>
    public static string? ErrorDescription(this HttpResponseMessage response)
    {
        var header = response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme == "Bearer")?.Parameter;
        if (header is null)
        {
            return null;
        }

        const string marker = "error_description=\"";
        var start = header.IndexOf(marker, StringComparison.Ordinal);
        return start < 0 ? null : header[(start + marker.Length)..header.IndexOf('"', start + marker.Length)];
    }
}
