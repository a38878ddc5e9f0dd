using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AuthCache.AspNetCore;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthCache.Tests.Providers;

/// <summary>
/// AuthCache against a real OpenIddict server, configured by the server's issuer alone: discovery finds its keys
/// (OpenIddict serves them at <c>/.well-known/jwks</c>, not where a guess would look), its tokens come from its real
/// token endpoint, plain JwtBearer against the same server answers alike, and its key rotation is followed.
/// </summary>
public sealed class OpenIddictProviderTests : IAsyncLifetime
{
    // The APIs' warnings and errors, shown when the two schemes disagree.
    private static readonly LogCapture Logs = new();
    private readonly List<IAsyncDisposable> _started = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var started in Enumerable.Reverse(_started))
        {
            await started.DisposeAsync();
        }
    }

    public static TheoryData<string> Cases => ["valid", "other-audience", "tampered-signature", "no-token", "not-a-jwt"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Plain_JwtBearer_and_AuthCache_configured_by_the_issuer_alone_answer_its_tokens_alike(string @case)
    {
        var provider = await Start(OpenIddictProvider.StartAsync([TestIssuer.CreateRsaKey("oi-1")]));
        var plain = await Start(Api.StartAsync(provider.Issuer, useAuthCache: false));
        var cached = await Start(Api.StartAsync(provider.Issuer, useAuthCache: true));

        // As a readiness probe would: the cluster holds the provider's keys before requests are compared.
        await cached.WhenKeysHeldAsync(provider.Issuer);
        var token = @case switch
        {
            "valid" => await provider.RequestTokenAsync(),
            "other-audience" => await provider.RequestTokenAsync(OpenIddictProvider.OtherClient),
            "tampered-signature" => Tamper(await provider.RequestTokenAsync()),
            "no-token" => null,
            _ => "not.a.jwt",
        };

        var expected = await plain.SendAsync(token);
        var actual = await cached.SendAsync(token);

        Assert.Equal(@case == "valid" ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, expected.Status);
        Assert.True(expected.Status == actual.Status, string.Join("\n", Logs.Lines.Where(l => l.StartsWith("Warning") || l.StartsWith("Error"))));
        Assert.Equal(expected.Claims, actual.Claims);
        Assert.Equal(ChallengeError(expected.Challenge), ChallengeError(actual.Challenge));
        if (@case == "valid")
        {
            Assert.Contains(("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", OpenIddictProvider.OrdersClient), actual.Claims);
            Assert.Contains(("iss", provider.Issuer), actual.Claims);

            // Where a guess from the issuer would not look: only discovery finds these keys.
            Assert.Equal(provider.Issuer + ".well-known/jwks", await provider.JwksUriAsync());
        }
    }

    [Fact]
    public async Task A_rotation_of_its_signing_keys_is_followed_with_no_failed_request_and_the_removed_key_is_refused()
    {
        var first = TestIssuer.CreateRsaKey("oi-first");
        var second = TestIssuer.CreateRsaKey("oi-second");
        var provider = await OpenIddictProvider.StartAsync([first]);
        var port = provider.Port;
        var issuer = provider.Issuer;
        var api = await Start(Api.StartAsync(issuer, useAuthCache: true));
        await api.WhenKeysHeldAsync(issuer);
        var old = await provider.RequestTokenAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(old)).Status);

        // The new key is published beside the old one and signs from now on.
        await provider.DisposeAsync();
        provider = await OpenIddictProvider.StartAsync([second, first], port);
        var rotated = await provider.RequestTokenAsync();
        Assert.Equal("oi-second", new JsonWebToken(rotated).Kid);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(rotated)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(old)).Status);

        // The old key is removed; until the keys are next refreshed every request still passes, and the refresh retires it.
        await provider.DisposeAsync();
        provider = await Start(OpenIddictProvider.StartAsync([second], port));
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(rotated)).Status);
        var refresh = await api.Keys(issuer).ForceRefreshAsync();

        Assert.Null(refresh.Keys.LastError);
        Assert.Equal(["oi-first"], refresh.RetiredKeyIds);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendAsync(old)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(rotated)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(await provider.RequestTokenAsync())).Status);
    }

    /// <summary>
    /// The challenge's scheme and <c>error</c> code: what a client acts on. Its <c>error_description</c> is left out:
    /// AuthCache writes its reason code there where JwtBearer writes a sentence.
    /// </summary>
    private static string? ChallengeError(string? challenge) =>
        challenge is null ? null : string.Join(", ", challenge.Split(", ").Where(p => !p.StartsWith("error_description=", StringComparison.Ordinal)));

    private async Task<T> Start<T>(Task<T> starting) where T : IAsyncDisposable
    {
        var started = await starting;
        _started.Add(started);
        return started;
    }

    /// <summary>The same header and payload under a signature of the same length with one byte changed.</summary>
    private static string Tamper(string token)
    {
        var signature = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(token[(token.LastIndexOf('.') + 1)..]);
        signature[0] ^= 0x01;
        return token[..(token.LastIndexOf('.') + 1)] + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(signature);
    }

    private sealed record Answer(HttpStatusCode Status, List<(string Type, string Value)> Claims, string? Challenge);

    /// <summary>
    /// An API with one JwtBearer scheme whose Authority is the provider and whose audience is the orders API, with
    /// <c>UseAuthCache()</c> and an embedded silo when AuthCache is on.
    /// </summary>
    private sealed class Api(WebApplication app, string baseUrl) : IAsyncDisposable
    {
        private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl) };

        public static async Task<Api> StartAsync(string issuer, bool useAuthCache)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(Logs);
            if (useAuthCache)
            {
                builder.Configuration["AuthCache:Dashboard:Enabled"] = "false";
                builder.UseOrleans(silo => silo
                    .UseLocalhostClustering(FreePort.Next(), FreePort.Next(), clusterId: "openiddict-" + Guid.NewGuid().ToString("N"))
                    .AddAuthCacheLocalPersistence()
                    .AddAuthCacheGrains());
                builder.Services.AddAuthCache(options => options.Issuers.Add(new IssuerOptions
                {
                    Issuer = issuer,
                    Audiences = [OpenIddictProvider.OrdersAudience],
                    RequireHttps = false,
                }));
            }

            builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
            {
                bearer.Authority = issuer;
                bearer.RequireHttpsMetadata = false;
                bearer.Audience = OpenIddictProvider.OrdersAudience;
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
            await app.StartAsync();
            return new Api(app, app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        }

        public IJwksGrain Keys(string issuer) => app.Services.GetRequiredService<IGrainFactory>().GetGrain<IJwksGrain>(issuer);

        /// <summary>Waits, as a readiness probe would, until the cluster holds the issuer's keys.</summary>
        public Task WhenKeysHeldAsync(string issuer) => Poll.UntilAsync(
            async () => (await Keys(issuer).GetKeysAsync()).HasKeys || (await Keys(issuer).ForceRefreshAsync()).Keys.HasKeys,
            TimeSpan.FromSeconds(60),
            "the cluster holds the provider's keys");

        public async Task<Answer> SendAsync(string? token)
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
            return new Answer(response.StatusCode, claims, response.Headers.WwwAuthenticate.FirstOrDefault()?.ToString());
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
