using System.Net;
using System.Text.Json;
using AuthCache.AspNetCore.Endpoints;
using AuthCache.AspNetCore.Revocation;
using AuthCache.AspNetCore.Webhooks;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.ApiHost;

/// <summary>The API host serves its OpenAPI document in Development, with every admin and webhook route described.</summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;

    public async Task InitializeAsync() => _issuer = await TestIssuer.StartAsync();

    public async Task DisposeAsync() => await _issuer.DisposeAsync();

    [Fact]
    public async Task The_development_document_describes_every_admin_and_webhook_route_with_its_answers()
    {
        await using var host = await ApiHostInstance.StartAsync("Development", Settings());

        var response = await host.Http.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        var expected = new Dictionary<string, (string Method, string[] Statuses)>
        {
            [CacheAdminEndpoints.DefaultPrefix + "/stats"] = ("get", ["200", "401", "403", "503"]),
            [CacheAdminEndpoints.DefaultPrefix + "/cleanup"] = ("post", ["200", "400", "401", "403", "503"]),
            [CacheAdminEndpoints.DefaultPrefix + "/jwks/refresh"] = ("post", ["200", "202", "400", "401", "403", "502"]),
            [CacheAdminEndpoints.DefaultPrefix + "/health"] = ("get", ["200", "503"]),
            [CacheRevocationEndpoints.Route] = ("post", ["200", "202", "400", "401", "403", "413", "415", "503"]),
            [ClerkWebhookEndpoints.Route] = ("post", ["200", "400", "401", "404", "409", "413", "429", "503"]),
        };
        foreach (var (path, (method, statuses)) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from the document.");
            var operation = item.GetProperty(method);
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{path} has no summary.");
            Assert.Equal(statuses.Order(), operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        }
    }

    [Fact]
    public async Task Outside_development_no_document_is_served()
    {
        await using var host = await ApiHostInstance.StartAsync("Production", Settings());

        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/openapi/v1.json")).StatusCode);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["AuthCache:Issuers:0:Issuer"] = _issuer.Issuer,
        ["AuthCache:Issuers:0:RequireHttps"] = "false",
    };
}
