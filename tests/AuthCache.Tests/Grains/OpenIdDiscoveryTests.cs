using System.Collections.Concurrent;
using System.Text.Json;
using AuthCache.Core;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.TestingHost;

namespace AuthCache.Tests.Grains;

/// <summary>
/// An issuer configured by its <c>Issuer</c> alone finds its keys through OpenID Connect discovery, against a real
/// HTTP issuer on 127.0.0.1 that publishes them where Keycloak does, not at <c>/.well-known/jwks.json</c>.
/// </summary>
public sealed class OpenIdDiscoveryTests : IAsyncLifetime
{
    private readonly LogCapture _logs = new();
    private DiscoveryIssuer _provider = null!;
    private InProcessTestCluster? _cluster;

    public async Task InitializeAsync() => _provider = await DiscoveryIssuer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task An_issuer_configured_alone_takes_its_key_address_from_discovery_and_its_tokens_validate()
    {
        await DeployAsync(new() { ["AuthCache:Issuers:0:Issuer"] = _provider.RealmIssuer });

        var refresh = await _cluster!.Client.GetGrain<IJwksGrain>(_provider.RealmIssuer).ForceRefreshAsync();

        Assert.Null(refresh.Keys.LastError);
        Assert.Equal(["realm-1"], refresh.Keys.Keys.Select(k => k.Kid));
        Assert.True(_provider.DiscoveryRequests(DiscoveryIssuer.RealmPath) >= 1);
        Assert.True(_provider.CertsRequests >= 1);
        var token = _provider.CreateToken(_provider.RealmIssuer);
        var outcome = await _cluster.Client.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token);
        Assert.True(outcome.IsValid, outcome.FailureReason);
    }

    [Fact]
    public async Task A_discovery_document_naming_another_issuer_is_refused_with_the_reason_logged_and_its_keys_never_fetched()
    {
        _provider.DocumentIssuer = "https://impostor.example/realms/demo";
        await DeployAsync(new() { ["AuthCache:Issuers:0:Issuer"] = _provider.RealmIssuer });

        var refresh = await _cluster!.Client.GetGrain<IJwksGrain>(_provider.RealmIssuer).ForceRefreshAsync();

        Assert.Empty(refresh.Keys.Keys);
        Assert.Equal(
            $"OpenID Connect discovery failed: the discovery document names issuer 'https://impostor.example/realms/demo', not the configured '{_provider.RealmIssuer}'",
            refresh.Keys.LastError);
        Assert.Equal(0, _provider.CertsRequests);
        Assert.Contains(_logs.Lines, l => l.Contains("[1202]", StringComparison.Ordinal) && l.Contains("names issuer 'https://impostor.example/realms/demo'", StringComparison.Ordinal));
        var token = _provider.CreateToken(_provider.RealmIssuer);
        Assert.False((await _cluster.Client.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token)).IsValid);
    }

    [Fact]
    public async Task An_explicit_JwksUri_wins_over_discovery_which_is_then_never_read()
    {
        await DeployAsync(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = _provider.RealmIssuer,
            ["AuthCache:Issuers:0:JwksUri"] = _provider.BaseUrl + "/elsewhere/keys",
        });

        var refresh = await _cluster!.Client.GetGrain<IJwksGrain>(_provider.RealmIssuer).ForceRefreshAsync();

        Assert.Null(refresh.Keys.LastError);
        Assert.Equal(["elsewhere-1"], refresh.Keys.Keys.Select(k => k.Kid));
        Assert.Equal(0, _provider.DiscoveryRequests(DiscoveryIssuer.RealmPath));
        Assert.Equal(0, _provider.CertsRequests);
    }

    [Fact]
    public async Task An_issuer_with_a_trailing_slash_reads_discovery_below_its_host_and_its_tokens_validate()
    {
        await DeployAsync(new() { ["AuthCache:Issuers:0:Issuer"] = _provider.RootIssuer });

        var refresh = await _cluster!.Client.GetGrain<IJwksGrain>(_provider.RootIssuer).ForceRefreshAsync();

        Assert.Null(refresh.Keys.LastError);
        Assert.True(_provider.DiscoveryRequests(DiscoveryIssuer.RootPath) >= 1);
        var token = _provider.CreateToken(_provider.RootIssuer);
        var outcome = await _cluster.Client.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token);
        Assert.True(outcome.IsValid, outcome.FailureReason);
    }

    [Fact]
    public async Task When_discovery_later_fails_the_last_discovered_address_keeps_serving_and_follows_a_rotation()
    {
        await DeployAsync(new() { ["AuthCache:Issuers:0:Issuer"] = _provider.RealmIssuer });
        var keys = _cluster!.Client.GetGrain<IJwksGrain>(_provider.RealmIssuer);
        Assert.Null((await keys.ForceRefreshAsync()).Keys.LastError);

        _provider.DiscoveryFails = true;
        _provider.Rotate("realm-2");
        var refresh = await keys.ForceRefreshAsync();

        Assert.Null(refresh.Keys.LastError);
        Assert.Equal(["realm-2"], refresh.Keys.Keys.Select(k => k.Kid));
        Assert.Equal(["realm-1"], refresh.RetiredKeyIds);
        Assert.Contains(_logs.Lines, l => l.Contains("[2646]", StringComparison.Ordinal) && l.Contains("HTTP 503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_host_side_key_source_finds_keys_through_the_same_discovery()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Settings(new() { ["AuthCache:Issuers:0:Issuer"] = _provider.RealmIssuer })).Build());
        services.AddLogging();
        services.AddAuthCacheCore();
        await using var provider = services.BuildServiceProvider();

        var keys = await provider.GetRequiredService<LocalJwksKeySource>().GetKeysAsync(_provider.RealmIssuer);

        Assert.Null(keys.LastError);
        Assert.Equal(["realm-1"], keys.Keys.Select(k => k.Kid));
        Assert.Equal(1, _provider.DiscoveryRequests(DiscoveryIssuer.RealmPath));
    }

    [Fact]
    public async Task A_discovery_document_over_the_key_fetch_size_limit_is_refused()
    {
        _provider.DiscoveryOversized = true;
        await DeployAsync(new() { ["AuthCache:Issuers:0:Issuer"] = _provider.RealmIssuer });

        var refresh = await _cluster!.Client.GetGrain<IJwksGrain>(_provider.RealmIssuer).ForceRefreshAsync();

        Assert.Empty(refresh.Keys.Keys);
        Assert.Equal("OpenID Connect discovery failed: response larger than 1 MB", refresh.Keys.LastError);
        Assert.Equal(0, _provider.CertsRequests);
    }

    [Fact]
    public async Task A_discovered_plain_http_key_address_is_refused_while_https_is_required()
    {
        var issuer = new IssuerOptions { Issuer = _provider.RealmIssuer, RequireHttps = true };

        Assert.Null(DiscoveryDocumentReader.Read(
            JsonSerializer.Serialize(new { issuer = _provider.RealmIssuer, jwks_uri = "http://keys.example/certs" }), issuer, out var error));
        Assert.Equal("the discovery document's jwks_uri 'http://keys.example/certs' is not https", error);
        Assert.Equal(
            new Uri("https://keys.example/certs"),
            DiscoveryDocumentReader.Read(JsonSerializer.Serialize(new { issuer = _provider.RealmIssuer, jwks_uri = "https://keys.example/certs" }), issuer, out _));
    }

    private static Dictionary<string, string?> Settings(Dictionary<string, string?> issuer)
    {
        issuer["AuthCache:Issuers:0:RequireHttps"] = "false";
        issuer["AuthCache:MaintenanceInterval"] = "1.00:00:00";
        return issuer;
    }

    private async Task DeployAsync(Dictionary<string, string?> issuer)
    {
        var settings = Settings(issuer);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureHost(host =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Logging.AddProvider(_logs);
        });
        builder.ConfigureSilo((_, silo) => silo.AddAuthCacheLocalPersistence().AddAuthCacheGrains());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    /// <summary>
    /// A provider on 127.0.0.1 with two issuers: a Keycloak-like realm (<c>/realms/demo</c>, keys at
    /// <c>/protocol/openid-connect/certs</c>) and an Auth0-like issuer ending in a slash (keys at <c>/keys</c>).
    /// </summary>
    private sealed class DiscoveryIssuer : IAsyncDisposable
    {
        public const string RealmPath = "/realms/demo";
        public const string RootPath = "";

        private readonly ConcurrentDictionary<string, int> _discoveryRequests = new();
        private WebApplication _app = null!;
        private RsaSecurityKey _realmKey = TestIssuer.CreateRsaKey("realm-1");
        private int _certsRequests;

        public string BaseUrl { get; private set; } = "";

        public string RealmIssuer => BaseUrl + RealmPath;

        public string RootIssuer => BaseUrl + "/";

        /// <summary>When set, the realm's discovery document names this issuer instead of its own.</summary>
        public string? DocumentIssuer { get; set; }

        public bool DiscoveryFails { get; set; }

        /// <summary>When set, the realm's discovery document is padded past 1 MB.</summary>
        public bool DiscoveryOversized { get; set; }

        public RsaSecurityKey RootKey { get; } = TestIssuer.CreateRsaKey("root-1");

        public RsaSecurityKey ElsewhereKey { get; } = TestIssuer.CreateRsaKey("elsewhere-1");

        public int CertsRequests => Volatile.Read(ref _certsRequests);

        public int DiscoveryRequests(string path) => _discoveryRequests.GetValueOrDefault(path);

        public void Rotate(string kid) => _realmKey = TestIssuer.CreateRsaKey(kid);

        public static async Task<DiscoveryIssuer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var provider = new DiscoveryIssuer { _app = builder.Build() };
            var app = provider._app;
            app.MapGet(RealmPath + "/.well-known/openid-configuration", () =>
                provider.Discovery(RealmPath, provider.DocumentIssuer ?? provider.RealmIssuer, provider.RealmIssuer + "/protocol/openid-connect/certs"));
            app.MapGet(RealmPath + "/protocol/openid-connect/certs", () =>
            {
                Interlocked.Increment(ref provider._certsRequests);
                return Jwks(provider._realmKey);
            });
            app.MapGet("/.well-known/openid-configuration", () => provider.Discovery(RootPath, provider.RootIssuer, provider.BaseUrl + "/keys"));
            app.MapGet("/keys", () => Jwks(provider.RootKey));
            app.MapGet("/elsewhere/keys", () => Jwks(provider.ElsewhereKey));
            await app.StartAsync();
            provider.BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return provider;
        }

        public string CreateToken(string issuer) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Claims = new Dictionary<string, object> { ["sub"] = "user_" + Guid.NewGuid().ToString("N") },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(issuer == RootIssuer ? RootKey : _realmKey, SecurityAlgorithms.RsaSha256),
        });

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();

        private IResult Discovery(string path, string issuer, string jwksUri)
        {
            _discoveryRequests.AddOrUpdate(path, 1, (_, count) => count + 1);
            return DiscoveryFails ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
                : DiscoveryOversized ? Results.Json(new { issuer, jwks_uri = jwksUri, pad = new string('x', 2 * 1024 * 1024) })
                : Results.Json(new { issuer, jwks_uri = jwksUri, token_endpoint = BaseUrl + path + "/token" });
        }

        private static IResult Jwks(RsaSecurityKey key)
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = key.KeyId, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        }
    }
}
