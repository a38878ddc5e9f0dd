using System.Net;
using System.Net.Http.Headers;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.JwtBearer;

/// <summary>
/// Tokens as large as real providers make them pass AuthCache's default <c>AuthCache:MaxTokenSize</c> as they pass
/// plain JwtBearer: a session token whose custom claims list every organisation of a user in hundreds of them.
/// </summary>
public sealed class LargeTokenParityTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;
    private BearerTestApp _plain = null!;
    private BearerTestApp _cached = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _plain = await BearerTestApp.StartAsync(_issuer, useAuthCache: false, Configure);
        _cached = await BearerTestApp.StartAsync(_issuer, useAuthCache: true, Configure);
    }

    public async Task DisposeAsync()
    {
        await _cached.DisposeAsync();
        await _plain.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    private static void Configure(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions bearer) =>
        bearer.TokenValidationParameters.ValidateAudience = false;

    [Fact]
    public async Task A_20_KB_token_listing_300_organisations_is_accepted_by_plain_JwtBearer_and_by_AuthCache_alike()
    {
        var organizations = Enumerable.Range(0, 300).ToDictionary(i => $"org_2{i:D26}", _ => (object)"org:admin");
        var token = _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), extraClaims: new Dictionary<string, object> { ["orgs"] = organizations });
        Assert.InRange(token.Length, 16 * 1024, 30 * 1024);

        foreach (var app in new[] { _plain, _cached, _cached })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/claims") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
            using var response = await app.Http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
