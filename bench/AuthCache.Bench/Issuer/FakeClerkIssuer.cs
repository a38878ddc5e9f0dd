using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Bench.Issuer;

/// <summary>
/// A Clerk-like identity provider on 127.0.0.1 (Kestrel): a discovery document and a JWKS answered after the
/// configured key latency, and the Backend API's <c>GET /v1/users/{id}</c> (bearer secret key) after the user
/// latency. It counts every call. It runs inside the runner process, so its CPU is never counted as a system's.
/// </summary>
public sealed class FakeClerkIssuer : IAsyncDisposable
{
    public const string SecretKey = "sk_test_bench_3f1c9a7e5b2d4c60";
    public const string AuthorizedParty = "http://localhost:3000";

    private readonly WebApplication _app;
    private readonly TimeSpan _keyLatency;
    private readonly TimeSpan _userLatency;
    private long _jwks;
    private long _discovery;
    private long _users;
    private long _refusedUsers;
    private string _jwksJson = "";

    private FakeClerkIssuer(WebApplication app, TimeSpan keyLatency, TimeSpan userLatency)
    {
        _app = app;
        _keyLatency = keyLatency;
        _userLatency = userLatency;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The <c>iss</c> of the tokens; Clerk's issuer is its frontend API origin.</summary>
    public string Issuer => BaseUrl;

    public RsaSecurityKey RsaKey { get; } = new(RSA.Create(2048)) { KeyId = "ins_bench_rsa_1" };

    public ECDsaSecurityKey EcKey { get; } = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ins_bench_ec_1" };

    public UpstreamCounts Counts => new(Interlocked.Read(ref _jwks), Interlocked.Read(ref _discovery), Interlocked.Read(ref _users), Interlocked.Read(ref _refusedUsers));

    public static async Task<FakeClerkIssuer> StartAsync(TimeSpan keyLatency, TimeSpan userLatency)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var issuer = new FakeClerkIssuer(builder.Build(), keyLatency, userLatency);
        issuer._app.MapGet("/.well-known/openid-configuration", issuer.ServeDiscoveryAsync);
        issuer._app.MapGet("/.well-known/jwks.json", issuer.ServeJwksAsync);
        issuer._app.MapGet("/v1/users/{id}", issuer.ServeUserAsync);
        await issuer._app.StartAsync();
        issuer.BaseUrl = issuer._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        issuer._jwksJson = JsonSerializer.Serialize(new { keys = new[] { ToJwk(issuer.RsaKey), ToJwk(issuer.EcKey) } });
        return issuer;
    }

    private async Task ServeDiscoveryAsync(HttpContext context)
    {
        Interlocked.Increment(ref _discovery);
        await Task.Delay(_keyLatency, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = Issuer + "/.well-known/jwks.json",
            ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
        });
    }

    private async Task ServeJwksAsync(HttpContext context)
    {
        Interlocked.Increment(ref _jwks);
        await Task.Delay(_keyLatency, context.RequestAborted);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(_jwksJson);
    }

    private async Task<IResult> ServeUserAsync(string id, HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + SecretKey)
        {
            Interlocked.Increment(ref _refusedUsers);
            return Results.Unauthorized();
        }

        Interlocked.Increment(ref _users);
        await Task.Delay(_userLatency, context.RequestAborted);
        if (!ClerkTokenIdentities.IsUserId(id))
        {
            return Results.NotFound(new { errors = new[] { new { code = "resource_not_found" } } });
        }

        var created = DateTimeOffset.UnixEpoch.AddDays(19_700).ToUnixTimeMilliseconds();
        return Results.Json(new
        {
            id,
            @object = "user",
            username = id.Replace("user_", "u"),
            first_name = "Bench",
            last_name = "User " + id[^4..],
            image_url = "https://img.clerk.com/" + id,
            has_image = false,
            primary_email_address_id = "idn_" + id[5..] + "_2",
            email_addresses = new[]
            {
                new { id = "idn_" + id[5..] + "_1", @object = "email_address", email_address = "old-" + id + "@example.com" },
                new { id = "idn_" + id[5..] + "_2", @object = "email_address", email_address = id + "@example.com" },
            },
            public_metadata = new { },
            last_sign_in_at = created,
            created_at = created,
            updated_at = created,
        });
    }

    private static Dictionary<string, string> ToJwk(SecurityKey key)
    {
        var jwk = key switch
        {
            RsaSecurityKey rsa => JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.Rsa.ExportParameters(false)) { KeyId = rsa.KeyId }),
            ECDsaSecurityKey ec => JsonWebKeyConverter.ConvertFromECDsaSecurityKey(ec),
            _ => throw new NotSupportedException(key.GetType().Name),
        };

        return jwk.Kty == JsonWebAlgorithmsKeyTypes.RSA
            ? new() { ["kty"] = jwk.Kty, ["kid"] = key.KeyId, ["use"] = "sig", ["alg"] = SecurityAlgorithms.RsaSha256, ["n"] = jwk.N, ["e"] = jwk.E }
            : new() { ["kty"] = jwk.Kty, ["kid"] = key.KeyId, ["use"] = "sig", ["alg"] = SecurityAlgorithms.EcdsaSha256, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y };
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
