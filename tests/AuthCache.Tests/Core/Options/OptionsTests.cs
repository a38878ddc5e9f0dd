using System.Text;
using AuthCache.Core;
using AuthCache.Core.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.Tests.Core.Options;

public sealed class OptionsTests
{
    private static AuthCacheOptions Resolve(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddAuthCacheCore();
        return services.BuildServiceProvider().GetRequiredService<IOptions<AuthCacheOptions>>().Value;
    }

    [Fact]
    public void Defaults_match_the_documented_contract()
    {
        var options = Resolve([]);

        Assert.Equal(TimeSpan.FromMinutes(5), options.TokenCacheTtl);
        Assert.Equal(TimeSpan.FromHours(2), options.JwksRefreshInterval);
        Assert.Equal(TimeSpan.FromMinutes(30), options.MaintenanceInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ClockSkew);
        Assert.Equal("https://api.clerk.com", options.UserProfiles.BaseUrl);
        Assert.False(options.UserProfiles.Enabled);
        Assert.Equal(100_000, options.DirectoryCacheSize);
        Assert.True(options.NearCache.Enabled);
        Assert.Equal(50_000, options.NearCache.MaxEntries);
        Assert.Equal(TimeSpan.FromSeconds(30), options.NearCache.MaxAge);
        Assert.Equal(0.8, options.NearCache.EagerRefreshThreshold);
        Assert.False(options.Clerk.AcceptPendingSessions);
        Assert.Equal(256_000, options.MaxTokenSize);
        Assert.Equal(TimeSpan.FromSeconds(10), options.JwksFetchTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.UserProfiles.FetchTimeout);
    }

    [Fact]
    public void Issuers_bind_from_the_configuration_contract()
    {
        var options = Resolve(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = "https://clerk.example.com",
            ["AuthCache:Issuers:0:Audiences:0"] = "api://one",
            ["AuthCache:Issuers:0:AuthorizedParties:0"] = "https://app.example.com",
            ["AuthCache:ClockSkew"] = "00:00:30",
        });

        var issuer = Assert.Single(options.Issuers);
        Assert.Null(issuer.ConfiguredJwksUri());
        Assert.Equal("https://clerk.example.com/.well-known/openid-configuration", issuer.DiscoveryUri().ToString());
        Assert.Equal(["api://one"], issuer.Audiences);
        Assert.Equal(["https://app.example.com"], issuer.AuthorizedParties);
        Assert.True(issuer.RequireHttps);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ClockSkew);
    }

    [Fact]
    public void Seed_variables_configure_the_clerk_issuer_and_secret_key()
    {
        var options = Resolve(new()
        {
            ["NEXT_PUBLIC_CLERK_DOMAIN"] = "your-app.clerk.accounts.dev",
            ["CLERK_SECRET_KEY"] = "sk_test_abc",
        });

        Assert.Equal("https://your-app.clerk.accounts.dev", Assert.Single(options.Issuers).Issuer);
        Assert.Equal("sk_test_abc", options.UserProfiles.SecretKey);
        Assert.True(options.UserProfiles.Enabled);
    }

    [Fact]
    public void Domain_is_decoded_from_the_publishable_key_when_no_domain_is_given()
    {
        var key = "pk_live_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("clerk.example.com$"));

        var options = Resolve(new() { ["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"] = key });

        Assert.Equal("https://clerk.example.com", Assert.Single(options.Issuers).Issuer);
    }

    [Theory]
    [InlineData("pk_live_bm90LWEtZG9tYWlu")]
    [InlineData("sk_live_Y2xlcmsuZXhhbXBsZS5jb20k")]
    [InlineData("pk_live_!!!")]
    [InlineData("")]
    public void Malformed_publishable_keys_are_ignored(string key)
    {
        Assert.Null(ClerkEnvironmentOptionsSetup.DomainFromPublishableKey(key));
    }

    [Fact]
    public void Explicit_issuers_win_over_the_seed_variables()
    {
        var options = Resolve(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = "https://explicit.example.com",
            ["CLERK_DOMAIN"] = "seed.example.com",
        });

        Assert.Equal("https://explicit.example.com", Assert.Single(options.Issuers).Issuer);
    }

    [Fact]
    public void An_issuers_pinned_algorithms_bind_from_the_configuration_contract()
    {
        var options = Resolve(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = "https://login.example.com",
            ["AuthCache:Issuers:0:Algorithms:0"] = "PS256",
            ["AuthCache:Issuers:0:Algorithms:1"] = "ES384",
        });

        Assert.Equal(["PS256", "ES384"], Assert.Single(options.Issuers).Algorithms);
    }

    [Theory]
    [InlineData("HS256", "AuthCache:Issuers:0:Algorithms contains 'HS256': HMAC and unsigned tokens are never accepted")]
    [InlineData("none", "AuthCache:Issuers:0:Algorithms contains 'none': HMAC and unsigned tokens are never accepted")]
    [InlineData("rs256", "AuthCache:Issuers:0:Algorithms contains 'rs256': it is not an algorithm AuthCache verifies (names are case-sensitive)")]
    [InlineData("EdDSA", "Use only RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, or leave it empty")]
    public async Task An_algorithm_AuthCache_does_not_verify_in_an_issuers_pins_stops_the_host_at_start(string algorithm, string expectedMessage)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = "https://login.example.com",
            ["AuthCache:Issuers:0:Algorithms:0"] = "RS256",
            ["AuthCache:Issuers:0:Algorithms:1"] = algorithm,
        });
        builder.Services.AddAuthCacheCore();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expectedMessage, error.Message);
        Assert.DoesNotContain("'RS256'", error.Message);
    }

    [Theory]
    [InlineData("AuthCache:Issuers:0:Issuer", "http://plain.example.com", "https")]
    [InlineData("AuthCache:Issuers:0:Issuer", "not a url", "absolute URL")]
    [InlineData("AuthCache:TokenCacheTtl", "00:00:00", "TokenCacheTtl")]
    [InlineData("AuthCache:ClockSkew", "01:00:00", "ClockSkew")]
    [InlineData("AuthCache:DirectoryCacheSize", "10", "DirectoryCacheSize")]
    [InlineData("AuthCache:NearCache:MaxEntries", "0", "NearCache:MaxEntries")]
    [InlineData("AuthCache:NearCache:MaxAge", "00:00:00", "NearCache:MaxAge")]
    [InlineData("AuthCache:NearCache:EagerRefreshThreshold", "1", "NearCache:EagerRefreshThreshold")]
    [InlineData("AuthCache:NearCache:EagerRefreshThreshold", "0", "NearCache:EagerRefreshThreshold")]
    [InlineData("AuthCache:MaxTokenSize", "1023", "AuthCache:MaxTokenSize must be between 1024 and 1048576 bytes (was 1023")]
    [InlineData("AuthCache:MaxTokenSize", "1048577", "AuthCache:MaxTokenSize must be between 1024 and 1048576 bytes (was 1048577")]
    [InlineData("AuthCache:JwksFetchTimeout", "00:00:00", "JwksFetchTimeout")]
    [InlineData("AuthCache:JwksFetchTimeout", "00:00:16", "JwksFetchTimeout")]
    [InlineData("AuthCache:UserProfiles:FetchTimeout", "00:00:00", "UserProfiles:FetchTimeout")]
    [InlineData("AuthCache:UserProfiles:FetchTimeout", "00:00:31", "UserProfiles:FetchTimeout")]
    [InlineData("AuthCache:Revocation:MaxReplicaLag", "00:00:00", "Revocation:MaxReplicaLag")]
    [InlineData("AuthCache:Revocation:MaxReplicaLag", "00:00:31", "Revocation:MaxReplicaLag")]
    public async Task Unsafe_settings_stop_the_host_at_start(string key, string value, string expectedMessage)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddAuthCacheCore();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expectedMessage, error.Message);
    }
}
