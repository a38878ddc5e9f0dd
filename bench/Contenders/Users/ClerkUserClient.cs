using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace AuthCache.Bench.Contenders.Users;

/// <summary><c>GET {UsersBaseUrl}/v1/users/{id}</c> with the secret key, as a typed client of IHttpClientFactory.</summary>
public sealed class ClerkUserClient(HttpClient http, IOptions<ContenderOptions> options)
{
    public async Task<ClerkUser?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{settings.UsersBaseUrl.TrimEnd('/')}/v1/users/{Uri.EscapeDataString(userId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.SecretKey);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ClerkUser>(cancellationToken);
    }
}
