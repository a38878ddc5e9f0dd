using System.Net.Http.Json;
using System.Security.Claims;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthCache.Tests.Providers;

/// <summary>
/// A real OpenIddict server on 127.0.0.1: its own discovery document, JWKS and token endpoint, the client credentials
/// grant, signed (not encrypted) JWT access tokens. Its issuer is its base address with a trailing slash, as
/// OpenIddict derives it. It runs without a database (OpenIddict's degraded mode), so the two clients and their
/// secrets are checked by handlers here; each client's tokens are for one audience.
/// </summary>
public sealed class OpenIddictProvider : IOidcTestProvider
{
    public const string OrdersClient = "orders-client";
    public const string OtherClient = "other-client";
    public const string Secret = "openiddict-test-secret";
    public const string OrdersAudience = "orders-api";

    private static readonly Dictionary<string, string> AudienceOf = new()
    {
        [OrdersClient] = OrdersAudience,
        [OtherClient] = "other-api",
    };

    private readonly WebApplication _app;
    private int _disposed;

    private OpenIddictProvider(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The issuer its tokens and its discovery document name.</summary>
    public string Issuer => $"http://127.0.0.1:{Port}/";

    /// <summary>
    /// Starts the server with <paramref name="signingKeys"/> published, signing with the first; on
    /// <paramref name="port"/> to restart a stopped one at the same address with another key set.
    /// </summary>
    public static async Task<OpenIddictProvider> StartAsync(IReadOnlyList<SecurityKey> signingKeys, int? port = null)
    {
        var listenOn = port ?? FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{listenOn}");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetTokenEndpointUris("connect/token");
            server.AllowClientCredentialsFlow();
            foreach (var key in signingKeys)
            {
                server.AddSigningKey(key);
            }

            server.AddEphemeralEncryptionKey();
            server.DisableAccessTokenEncryption();
            server.EnableDegradedMode();
            server.UseAspNetCore().DisableTransportSecurityRequirement();
            server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId is null || !AudienceOf.ContainsKey(context.ClientId) || context.ClientSecret != Secret)
                {
                    context.Reject(OpenIddictConstants.Errors.InvalidClient, "Unknown client or wrong secret.");
                }

                return default;
            }));
            server.AddEventHandler<HandleTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType);
                identity.SetClaim(OpenIddictConstants.Claims.Subject, context.Request.ClientId);
                identity.SetClaim("role", "reader");
                identity.SetAudiences(AudienceOf[context.Request.ClientId!]);
                identity.SetDestinations(_ => [OpenIddictConstants.Destinations.AccessToken]);
                context.SignIn(new ClaimsPrincipal(identity));
                return default;
            }));
        });

        var app = builder.Build();
        await app.StartAsync();
        var provider = new OpenIddictProvider(app, listenOn);

        // Ready as a running provider is: its first answers, slow on a busy machine, are behind it.
        using var http = new HttpClient();
        await http.GetStringAsync(await provider.JwksUriAsync());
        return provider;
    }

    /// <summary>An access token from the real token endpoint (client credentials grant).</summary>
    public async Task<string> RequestTokenAsync(string clientId = OrdersClient)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(Issuer + "connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = Secret,
        }));
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.True(response.IsSuccessStatusCode, $"The token endpoint answered {(int)response.StatusCode}: {string.Join(", ", body ?? [])}");
        return body!["access_token"].ToString()!;
    }

    Task<string> IOidcTestProvider.RequestTokenAsync() => RequestTokenAsync(OrdersClient);

    /// <summary>The <c>jwks_uri</c> its discovery document names.</summary>
    public async Task<string> JwksUriAsync()
    {
        using var http = new HttpClient();
        var document = await http.GetFromJsonAsync<Dictionary<string, object>>(Issuer + ".well-known/openid-configuration");
        return document!["jwks_uri"].ToString()!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
