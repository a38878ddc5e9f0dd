using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AuthCache.AspNetCore;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AuthCache.Tests.Providers;

/// <summary>What one request got: status, claims (sorted) and the challenge header.</summary>
public sealed record ProviderAnswer(HttpStatusCode Status, List<(string Type, string Value)> Claims, string? Challenge);

/// <summary>
/// An API with one JwtBearer scheme whose Authority is the provider and whose audience is the given one, with
/// <c>UseAuthCache()</c> and an embedded silo when AuthCache is on.
/// </summary>
public sealed class ProviderApi(WebApplication app, string baseUrl) : IAsyncDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl) };

    /// <summary>The APIs' log lines, shown when a test's two schemes disagree.</summary>
    public static LogCapture Logs { get; } = new();

    /// <summary>
    /// The challenge's scheme and <c>error</c> code: what a client acts on. Its <c>error_description</c> is left out:
    /// AuthCache writes its reason code there where JwtBearer writes a sentence.
    /// </summary>
    public static string? ChallengeError(string? challenge) =>
        challenge is null ? null : string.Join(", ", challenge.Split(", ").Where(p => !p.StartsWith("error_description=", StringComparison.Ordinal)));

    /// <summary>The same header and payload under a signature of the same length with one byte changed.</summary>
    public static string Tamper(string token)
    {
        var signature = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(token[(token.LastIndexOf('.') + 1)..]);
        signature[0] ^= 0x01;
        return token[..(token.LastIndexOf('.') + 1)] + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(signature);
    }

    public static async Task<ProviderApi> StartAsync(string issuer, string audience, bool useAuthCache)
    {
        var builder = MinimalApp.CreateBuilder(Logs);
        if (useAuthCache)
        {
            builder.AddEmbeddedAuthCache("provider", options => options.Issuers.Add(new IssuerOptions
            {
                Issuer = issuer,
                Audiences = [audience],
                RequireHttps = false,
            }));
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
        {
            bearer.Authority = issuer;
            bearer.RequireHttpsMetadata = false;
            bearer.Audience = audience;
            if (useAuthCache)
            {
                bearer.UseAuthCache();
            }
        });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/claims", (HttpContext context) => context.User.Claims.Select(c => new[] { c.Type, c.Value })).RequireAuthorization();
        return new ProviderApi(app, await MinimalApp.StartAsync(app));
    }

    public IJwksGrain Keys(string issuer) => app.Services.GetRequiredService<IGrainFactory>().GetGrain<IJwksGrain>(issuer);

    /// <summary>Waits, as a readiness probe would, until the cluster holds the issuer's keys.</summary>
    public Task WhenKeysHeldAsync(string issuer) => Poll.UntilAsync(
        async () => (await Keys(issuer).GetKeysAsync()).HasKeys || (await Keys(issuer).ForceRefreshAsync()).Keys.HasKeys,
        TimeSpan.FromSeconds(60),
        "the cluster holds the provider's keys");

    public async Task<ProviderAnswer> SendAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/claims");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request);
        var claims = response.StatusCode == HttpStatusCode.OK
            ? (await response.Content.ReadFromJsonAsync<string[][]>())!.Select(c => (c[0], c[1])).Order().ToList()
            : [];
        return new ProviderAnswer(response.StatusCode, claims, response.Headers.WwwAuthenticate.FirstOrDefault()?.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
