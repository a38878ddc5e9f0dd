using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Authentication;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Documentation;
using AuthCache.Tests.Infrastructure;
using AuthCache.Tests.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orleans;

namespace AuthCache.Tests.JwtBearer;

/// <summary>
/// One application, registered with plain <c>AddJwtBearer</c> and with <c>UseAuthCache()</c>, each with the same
/// custom <c>OnChallenge</c> (which writes its own 401 and keeps AuthCache's 503 and 429 with the guide's one-liner),
/// sent the whole corpus of tokens over real HTTP. What the application can see (status, <c>Error</c>,
/// <c>ErrorDescription</c>, the exception's type in <c>OnAuthenticationFailed</c> and <c>OnChallenge</c>) must be the
/// same, except for exactly the differences docs/migrating-from-jwtbearer.md announces in its table.
/// </summary>
public sealed partial class HiddenDifferenceTests : IAsyncLifetime
{
    private const string Audience = "api://orders";
    private const string DownScheme = "Down";
    private const string RequestIdHeader = "X-Test-Request";

    // Low, so a flood of a few dozen refused tokens reaches it; the corpus before the flood stays below it.
    private const int FailurePermits = 20;

    private TestIssuer _issuer = null!;
    private TestIssuer _downIssuer = null!;
    private ParityApp _plain = null!;
    private ParityApp _cached = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _downIssuer = await TestIssuer.StartAsync();
        _downIssuer.Mode = JwksMode.ServerError;
        _plain = await ParityApp.StartAsync(_issuer, _downIssuer, useAuthCache: false);
        _cached = await ParityApp.StartAsync(_issuer, _downIssuer, useAuthCache: true);
    }

    public async Task DisposeAsync()
    {
        await _cached.DisposeAsync();
        await _plain.DisposeAsync();
        await _downIssuer.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task Plain_JwtBearer_and_AuthCache_differ_on_the_whole_token_corpus_exactly_as_the_migration_guide_announces()
    {
        var observed = new Dictionary<string, (Observation Plain, Observation Cached)>();
        foreach (var (name, path, token) in Corpus())
        {
            if (name == "revoked")
            {
                await RevokeSessionAsync(token!);
            }

            observed[name] = (await _plain.SendAsync(path, token), await _cached.SendAsync(path, token));
        }

        var (floodPlain, floodCached) = (Observation.None, Observation.None);
        var forger = TestIssuer.CreateRsaKey(_issuer.Rsa.KeyId);
        for (var i = 0; i < FailurePermits * 3; i++)
        {
            // Each forgery new, since a refusal already in the near cache is answered again without counting.
            var forged = _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), audience: Audience, key: forger);
            floodPlain = await _plain.SendAsync("/claims", forged);
            floodCached = await _cached.SendAsync("/claims", forged);
        }

        observed["flood"] = (floodPlain, floodCached);

        var differences = observed
            .SelectMany(o => o.Value.Plain.DifferencesFrom(o.Value.Cached).Select(field => (Case: o.Key, Field: field)))
            .ToHashSet();
        var announced = AnnouncedDifferences();
        var report = string.Join("\n", observed.Select(o => $"{o.Key}:\n  plain  {o.Value.Plain}\n  cached {o.Value.Cached}"));
        Assert.True(announced.SetEquals(differences), $"""
            unannounced: {string.Join(", ", differences.Except(announced))}
            announced but not seen: {string.Join(", ", announced.Except(differences))}
            {report}
            """);
        Assert.Equal("429 invalid_token", $"{(int)floodCached.Status} {floodCached.Error}");
        Assert.Equal(503, observed["keys down"].Cached.Status);
    }

    private IEnumerable<(string Name, string Path, string? Token)> Corpus()
    {
        var now = DateTime.UtcNow;
        string Subject() => "user_" + Guid.NewGuid().ToString("N")[..8];
        var claims = $$"""{"sub":"{{Subject()}}","iss":"{{_issuer.Issuer}}","aud":"{{Audience}}","iat":{{new DateTimeOffset(now).ToUnixTimeSeconds()}},"exp":{{new DateTimeOffset(now.AddMinutes(10)).ToUnixTimeSeconds()}}}""";
        string Header(string algorithm) => $$"""{"alg":"{{algorithm}}","kid":"{{_issuer.Rsa.KeyId}}","typ":"JWT"}""";

        yield return ("valid", "/claims", _issuer.CreateToken(Subject(), audience: Audience));
        yield return ("no token", "/claims", null);

        // Beyond JwtBearer's 5 minutes of clock skew, so both refuse them.
        yield return ("expired", "/claims", _issuer.CreateToken(Subject(), audience: Audience, lifetime: TimeSpan.FromMinutes(5), now: now.AddMinutes(-20)));
        yield return ("future nbf", "/claims", _issuer.CreateToken(Subject(), audience: Audience, lifetime: TimeSpan.FromHours(1), now: now, notBefore: now.AddMinutes(20)));
        yield return ("garbage", "/claims", "garbage");
        yield return ("a.b.c", "/claims", "a.b.c");
        yield return ("alg none", "/claims", RawToken.WithSignature(Header("none"), claims, ""));
        yield return ("HS256 confusion", "/claims", RawToken.Forge(Header("HS256"), claims, input => HMACSHA256.HashData(AlgorithmKeys.PublicKeyPem(_issuer.Rsa), input)));
        yield return ("forged", "/claims", _issuer.CreateToken(Subject(), audience: Audience, key: TestIssuer.CreateRsaKey(_issuer.Rsa.KeyId)));
        yield return ("unknown key", "/claims", _issuer.CreateToken(Subject(), audience: Audience, key: TestIssuer.CreateRsaKey("kid-nobody-published")));

        // Over Kestrel's 32 KB of request headers: refused before any authentication.
        yield return ("oversized", "/claims", _issuer.CreateToken(Subject(), audience: Audience, extraClaims: new Dictionary<string, object> { ["pad"] = new string('x', 40 * 1024) }));
        yield return ("wrong audience", "/claims", _issuer.CreateToken(Subject(), audience: "api://someone-else"));
        yield return ("wrong issuer", "/claims", _issuer.CreateToken(Subject(), audience: Audience, issuer: "https://evil.example"));
        yield return ("revoked", "/claims", _issuer.CreateToken(Subject(), audience: Audience, sid: "sess_" + Guid.NewGuid().ToString("N")));
        yield return ("keys down", "/down/claims", _downIssuer.CreateToken(Subject(), audience: Audience));
    }

    private async Task RevokeSessionAsync(string token)
    {
        var sid = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).GetClaim("sid").Value;
        var grains = _cached.App.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key).RevokeAsync(RevocationKind.Session, _issuer.Issuer, sid);
    }

    /// <summary>The rows of the guide's table of differences: (case, what the application sees).</summary>
    private static HashSet<(string Case, string Field)> AnnouncedDifferences()
    {
        var guide = File.ReadAllText(CSharpSnippet.RepositoryFile("docs/migrating-from-jwtbearer.md"));
        var section = guide[guide.IndexOf("## Every difference", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        return DifferenceRow().Matches(section).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToHashSet();
    }

    [GeneratedRegex(@"^\| `([^`]+)` \| `([^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DifferenceRow();

    /// <summary>What the application saw of one request.</summary>
    private sealed record Observation(int Status, string? Error, string? ErrorDescription, string? ChallengeException, string? FailedException)
    {
        public static readonly Observation None = new(0, null, null, null, null);

        public IEnumerable<string> DifferencesFrom(Observation other) => new (string Field, bool Differs)[]
        {
            ("status", Status != other.Status),
            ("error", Error != other.Error),
            ("error_description", ErrorDescription != other.ErrorDescription),
            ("challenge exception", ChallengeException != other.ChallengeException),
            ("failed exception", FailedException != other.FailedException),
        }.Where(f => f.Differs).Select(f => f.Field);
    }

    private sealed class ParityApp : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, Observation> _seen = new();

        private ParityApp(WebApplication app, string baseUrl)
        {
            App = app;
            Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        }

        public WebApplication App { get; }

        private HttpClient Http { get; }

        public static async Task<ParityApp> StartAsync(TestIssuer issuer, TestIssuer downIssuer, bool useAuthCache)
        {
            var builder = MinimalApp.CreateBuilder();
            ParityApp? created = null;
            if (useAuthCache)
            {
                builder.Configuration["AuthCache:FailedAuthenticationLimit:PermitLimit"] = FailurePermits.ToString(System.Globalization.CultureInfo.InvariantCulture);
                builder.AddEmbeddedAuthCache("parity", options =>
                {
                    options.Issuers.Add(new IssuerOptions { Issuer = issuer.Issuer, RequireHttps = false });
                    options.Issuers.Add(new IssuerOptions { Issuer = downIssuer.Issuer, RequireHttps = false });
                });
            }

            void Scheme(JwtBearerOptions bearer, TestIssuer authority)
            {
                bearer.Authority = authority.Issuer;
                bearer.RequireHttpsMetadata = false;
                bearer.Audience = Audience;
                bearer.Events = Recording(() => created!);
                if (useAuthCache)
                {
                    bearer.UseAuthCache();
                }
            }

            builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
                .AddJwtBearer(bearer => Scheme(bearer, issuer))
                .AddJwtBearer(DownScheme, bearer => Scheme(bearer, downIssuer));
            builder.Services.AddAuthorization();

            var app = builder.Build();
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/claims", () => "ok").RequireAuthorization();
            app.MapGet("/down/claims", () => "ok").RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = DownScheme });
            created = new ParityApp(app, await MinimalApp.StartAsync(app));
            return created;
        }

        public async Task<Observation> SendAsync(string path, string? token)
        {
            var id = Guid.NewGuid().ToString("N");
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(RequestIdHeader, id);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await Http.SendAsync(request);
            return (_seen.TryGetValue(id, out var seen) ? seen : Observation.None) with { Status = (int)response.StatusCode };
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }

        private static JwtBearerEvents Recording(Func<ParityApp> app)
        {
            Observation Seen(HttpContext context) => app()._seen.GetValueOrDefault(context.Request.Headers[RequestIdHeader].ToString(), Observation.None);
            void Record(HttpContext context, Observation seen) => app()._seen[context.Request.Headers[RequestIdHeader].ToString()] = seen;

            return new JwtBearerEvents
            {
                OnAuthenticationFailed = context =>
                {
                    Record(context.HttpContext, Seen(context.HttpContext) with { FailedException = context.Exception.GetType().Name });
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    Record(context.HttpContext, Seen(context.HttpContext) with
                    {
                        Error = context.Error,
                        ErrorDescription = context.ErrorDescription,
                        ChallengeException = context.AuthenticateFailure?.GetType().Name,
                    });

                    // The guide's one-liner: AuthCache's 503 and 429 stay AuthCache's.
                    if (context.HttpContext.Features.Get<IAuthCacheFailureFeature>()?.StatusCode is not (null or 401))
                    {
                        return;
                    }

                    context.HandleResponse();
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    await context.Response.WriteAsJsonAsync(new { error = context.Error, description = context.ErrorDescription });
                },
            };
        }
    }
}
