using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;

using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Infrastructure;

/// <summary>How the test issuer answers JWKS requests.</summary>
public enum JwksMode
{
    Normal,
    ServerError,
    Garbage,
    EmptyKeySet,
    Oversized,
    Slow,

    /// <summary>Status and headers at once, the start of a key set, then nothing until the client gives up.</summary>
    StalledBody,
}

/// <summary>
/// A Clerk-like issuer on 127.0.0.1 over real HTTP: a JWKS (RSA and EC keys, rotatable, with failure modes), a
/// user API, call counters, and token minting for tests.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    public const string ClerkSecretKey = "sk_test_issuer_secret_0123456789";

    private WebApplication _app = null!;
    private readonly ConcurrentDictionary<string, SecurityKey> _published = new();
    private readonly ConcurrentDictionary<string, string> _firstNames = new();
    private readonly ConcurrentDictionary<string, int> _userFetchesById = new();
    private int _jwksFetches;
    private int _heldJwksRequests;
    private int _userFetches;
    private int _stalledJwksResponses;
    private int _abandonedJwksResponses;
    private int _abandonedUserResponses;

    private TestIssuer()
    {
        Rsa = CreateRsaKey("rsa-1");
        Ec = CreateEcKey("ec-1");
        Publish(Rsa);
        Publish(Ec);
    }

    public string BaseUrl { get; private set; } = "";

    public string Issuer => BaseUrl;

    /// <summary>The settings that point AuthCache at this issuer: its signing keys (over plain HTTP) and its user API.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["AuthCache:Issuers:0:Issuer"] = Issuer,
        ["AuthCache:Issuers:0:RequireHttps"] = "false",
        ["AuthCache:UserProfiles:BaseUrl"] = BaseUrl,
        ["AuthCache:UserProfiles:SecretKey"] = ClerkSecretKey,
    };

    public string JwksUri => BaseUrl + "/.well-known/jwks.json";

    public RsaSecurityKey Rsa { get; }

    public ECDsaSecurityKey Ec { get; }

    public JwksMode Mode { get; set; } = JwksMode.Normal;

    /// <summary>
    /// While set, a JWKS request reads the keys published when it arrives and answers them only once this completes:
    /// a fetch that started before the issuer changed its keys. <see cref="HeldJwksRequests"/> counts those held.
    /// </summary>
    public TaskCompletionSource? JwksHold { get; set; }

    public int HeldJwksRequests => Volatile.Read(ref _heldJwksRequests);

    /// <summary>When set, JWKS responses carry <c>Cache-Control: max-age</c>.</summary>
    public TimeSpan? MaxAge { get; set; }

    public bool UsersFail { get; set; }

    /// <summary>When set, user requests get a JSON body without <c>Content-Length</c> that never ends.</summary>
    public bool UsersEndless { get; set; }

    /// <summary>When set, user requests get status, headers and the start of a body, then nothing until the client gives up.</summary>
    public bool UsersStalled { get; set; }

    /// <summary>JWKS responses in <see cref="JwksMode.StalledBody"/> whose headers and first bytes have been sent.</summary>
    public int StalledJwksResponses => Volatile.Read(ref _stalledJwksResponses);

    /// <summary>Stalled JWKS responses whose client closed the exchange before the body ended.</summary>
    public int AbandonedJwksResponses => Volatile.Read(ref _abandonedJwksResponses);

    /// <summary>Stalled user responses whose client closed the exchange before the body ended.</summary>
    public int AbandonedUserResponses => Volatile.Read(ref _abandonedUserResponses);

    /// <summary>When set, user requests are answered only once this task completes (a slow identity provider).</summary>
    public Task? UsersHeldUntil { get; set; }

    /// <summary>Requests to the issuer's own JWKS path (<c>/.well-known/jwks.json</c>); tenant paths such as <c>/aud/…</c> serve the same keys uncounted.</summary>
    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    public int UserFetches => Volatile.Read(ref _userFetches);

    /// <summary>Requests to the user API for one user (tests of one user are not disturbed by others running meanwhile).</summary>
    public int UserFetchesOf(string userId) => _userFetchesById.GetValueOrDefault(userId);

    /// <summary>Changes a user's first name in the user API, as an edit in the identity provider would (default: <c>Test</c>).</summary>
    public void SetFirstName(string userId, string firstName) => _firstNames[userId] = firstName;

    public static async Task<TestIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var issuer = new TestIssuer { _app = builder.Build() };
        issuer._app.MapGet("/.well-known/jwks.json", context => issuer.ServeJwksAsync(context, counted: true));

        // OpenID Connect discovery, for a plain JwtBearer scheme whose Authority is this issuer.
        issuer._app.MapGet("/.well-known/openid-configuration", () => Results.Json(new { issuer = issuer.Issuer, jwks_uri = issuer.JwksUri }));
        issuer._app.MapGet("/{tenant}/.well-known/jwks.json", context => issuer.ServeJwksAsync(context, counted: false));
        issuer._app.MapGet("/{tenant}/.well-known/openid-configuration", (string tenant) =>
            Results.Json(new { issuer = issuer.Issuer + "/" + tenant, jwks_uri = issuer.BaseUrl + "/" + tenant + "/.well-known/jwks.json" }));
        issuer._app.MapGet("/v1/users/{id}", issuer.ServeUser);
        await issuer._app.StartAsync();
        issuer.BaseUrl = issuer._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return issuer;
    }

    public static RsaSecurityKey CreateRsaKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    public static ECDsaSecurityKey CreateEcKey(string kid) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };

    public void Publish(SecurityKey key) => _published[key.KeyId] = key;

    public void Unpublish(string kid) => _published.TryRemove(kid, out _);

    public string CreateToken(
        string subject = "user_1",
        TimeSpan? lifetime = null,
        SecurityKey? key = null,
        string? issuer = null,
        string? audience = null,
        string? azp = null,
        string? sid = null,
        DateTime? notBefore = null,
        DateTime? now = null,
        IDictionary<string, object>? extraClaims = null)
    {
        var signingKey = key ?? Rsa;
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["sid"] = sid ?? "sess_" + subject };
        if (azp is not null)
        {
            claims["azp"] = azp;
        }

        foreach (var (name, value) in extraClaims ?? new Dictionary<string, object>())
        {
            claims[name] = value;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = issuedAt,
            NotBefore = notBefore ?? issuedAt,
            Expires = issuedAt + (lifetime ?? TimeSpan.FromMinutes(10)),
            SigningCredentials = new SigningCredentials(
                signingKey,
                signingKey is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A token with an arbitrary header and payload, signed (or not) by the caller: for hostile input.</summary>
    public static string Craft(object header, object payload, string signature = "c2ln") =>
        Base64UrlEncoder.Encode(JsonSerializer.Serialize(header)) + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload)) + "." + signature;

    /// <summary>A token over an arbitrary header and payload whose signature <paramref name="sign"/> computes over the signing input.</summary>
    public static string Forge(object header, object payload, Func<byte[], byte[]> sign)
    {
        var signingInput = Base64UrlEncoder.Encode(JsonSerializer.Serialize(header)) + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload));
        return signingInput + "." + Base64UrlEncoder.Encode(sign(System.Text.Encoding.ASCII.GetBytes(signingInput)));
    }

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _jwksFetches, 0);
        Interlocked.Exchange(ref _userFetches, 0);
    }

    private async Task ServeJwksAsync(HttpContext context, bool counted)
    {
        if (counted)
        {
            Interlocked.Increment(ref _jwksFetches);
        }

        switch (Mode)
        {
            case JwksMode.ServerError:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            case JwksMode.Garbage:
                await context.Response.WriteAsync("<html>not a key set</html>");
                return;
            case JwksMode.EmptyKeySet:
                await context.Response.WriteAsJsonAsync(new { keys = Array.Empty<object>() });
                return;
            case JwksMode.Oversized:
                await context.Response.WriteAsync("{\"keys\":[],\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"}");
                return;
            case JwksMode.Slow:
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                return;
            case JwksMode.StalledBody:
                await StallAsync(context, "{\"keys\":[", () => Interlocked.Increment(ref _stalledJwksResponses), () => Interlocked.Increment(ref _abandonedJwksResponses));
                return;
        }

        var keys = _published.Values.Select(ToJwk).ToArray();
        if (JwksHold is { } hold)
        {
            Interlocked.Increment(ref _heldJwksRequests);
            await hold.Task.WaitAsync(context.RequestAborted);
        }

        context.Response.ContentType = "application/json";
        if (MaxAge is { } maxAge)
        {
            context.Response.Headers.CacheControl = $"public, max-age={(int)maxAge.TotalSeconds}";
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(new { keys }));
    }

    private static async Task StallAsync(HttpContext context, string start, Action started, Action abandoned)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(start);
        await context.Response.Body.FlushAsync();
        started();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            abandoned();
        }
    }

    private static async Task ServeEndlessUserAsync(string id, HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"id\":\"" + id + "\",\"pad\":\"");
        var chunk = new string('x', 16 * 1024);
        try
        {
            // Bounded only so a client that never gives up cannot keep the test issuer busy forever.
            for (var sent = 0; sent < 1024 && !context.RequestAborted.IsCancellationRequested; sent++)
            {
                await context.Response.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client closed the exchange in the middle of a write.
        }
    }

    private async Task<IResult> ServeUser(string id, HttpContext context)
    {
        Interlocked.Increment(ref _userFetches);
        _userFetchesById.AddOrUpdate(id, 1, (_, count) => count + 1);
        if (UsersEndless)
        {
            await ServeEndlessUserAsync(id, context);
            return Results.Empty;
        }

        if (UsersStalled)
        {
            await StallAsync(context, "{\"id\":\"" + id + "\",", () => { }, () => Interlocked.Increment(ref _abandonedUserResponses));
            return Results.Empty;
        }

        if (UsersHeldUntil is { } held)
        {
            await held.WaitAsync(context.RequestAborted);
        }

        if (UsersFail)
        {
            return Results.StatusCode(StatusCodes.Status502BadGateway);
        }

        if (context.Request.Headers.Authorization.ToString() != "Bearer " + ClerkSecretKey)
        {
            return Results.Unauthorized();
        }

        return Results.Json(new
        {
            id,
            username = id + "_name",
            first_name = _firstNames.GetValueOrDefault(id, "Test"),
            last_name = "User",
            image_url = "https://img.example/" + id,
            primary_email_address_id = "idn_2",
            email_addresses = new[]
            {
                new { id = "idn_1", email_address = "old-" + id + "@example.com" },
                new { id = "idn_2", email_address = id + "@example.com" },
            },
        });
    }

    private static Dictionary<string, string> ToJwk(SecurityKey key)
    {
        // A JWK published as given, for keys whose alg, use or curve a test chooses.
        if (key is JsonWebKey given)
        {
            return new[] { ("kty", given.Kty), ("kid", given.Kid), ("use", given.Use), ("alg", given.Alg), ("n", given.N), ("e", given.E), ("crv", given.Crv), ("x", given.X), ("y", given.Y) }
                .Where(m => !string.IsNullOrEmpty(m.Item2))
                .ToDictionary(m => m.Item1, m => m.Item2);
        }

        var jwk = key switch
        {
            RsaSecurityKey rsa => JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.Rsa.ExportParameters(false)) { KeyId = rsa.KeyId }),
            ECDsaSecurityKey ec => JsonWebKeyConverter.ConvertFromECDsaSecurityKey(ec),
            _ => throw new NotSupportedException(key.GetType().Name),
        };

        var result = new Dictionary<string, string> { ["kty"] = jwk.Kty, ["kid"] = key.KeyId, ["use"] = "sig" };
        if (jwk.Kty == "RSA")
        {
            result["alg"] = SecurityAlgorithms.RsaSha256;
            result["n"] = jwk.N;
            result["e"] = jwk.E;
        }
        else
        {
            result["alg"] = SecurityAlgorithms.EcdsaSha256;
            result["crv"] = jwk.Crv;
            result["x"] = jwk.X;
            result["y"] = jwk.Y;
        }

        return result;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

