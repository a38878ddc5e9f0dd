using System.Net;
using AuthCache.AspNetCore;
using AuthCache.Core;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.Tests.Security;

/// <summary>Admin tokens are opt-in (<c>AuthCache:Admin:Role</c>) and scoped to the admin issuers.</summary>
public sealed class AdminTokenScopeTests
{
    [Fact]
    public async Task A_role_admin_token_is_not_an_admin_when_no_admin_role_is_configured()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:Admin:ApiKey"] = "scope-admin-key",
        });
        var roleAdmin = issuer.CreateToken("user_self_made_admin", extraClaims: new Dictionary<string, object> { ["role"] = "admin" });
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/v1/me", roleAdmin)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Http.GetAsync("/api/v1/cache/stats", bearer: roleAdmin)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Http.PostAsync("/api/v1/cache/cleanup?scope=all", bearer: roleAdmin)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/v1/cache/stats", adminKey: "scope-admin-key")).StatusCode);
    }

    [Fact]
    public async Task An_admin_role_with_several_trusted_issuers_and_no_admin_issuers_stops_the_host_at_start()
    {
        var error = await StartFailureAsync(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = "https://one.example.com",
            ["AuthCache:Issuers:1:Issuer"] = "https://two.example.com",
            ["AuthCache:Admin:Role"] = "admin",
        });

        Assert.Contains("AuthCache:Admin:Role is set and 2 issuers are trusted", error.Message, StringComparison.Ordinal);
        Assert.Contains("AuthCache:Admin:Issuers:0=https://one.example.com", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_issuer_that_is_not_trusted_stops_the_host_at_start()
    {
        var error = await StartFailureAsync(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = "https://one.example.com",
            ["AuthCache:Admin:Role"] = "admin",
            ["AuthCache:Admin:Issuers:0"] = "https://elsewhere.example.com",
        });

        Assert.Contains("AuthCache:Admin:Issuers:0 'https://elsewhere.example.com' is not a trusted issuer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_admin_role_starts_with_one_trusted_issuer_or_with_its_admin_issuers_named(bool severalIssuers)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = "https://one.example.com",
            ["AuthCache:Admin:Role"] = "admin",
        };
        if (severalIssuers)
        {
            settings["AuthCache:Issuers:1:Issuer"] = "https://two.example.com";
            settings["AuthCache:Admin:Issuers:0"] = "https://two.example.com";
        }

        using var host = Build(settings);
        await host.StartAsync();
        await host.StopAsync();
    }

    private static async Task<OptionsValidationException> StartFailureAsync(Dictionary<string, string?> settings)
    {
        using var host = Build(settings);
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAuthCacheCore();
        builder.Services.AddAuthentication(AuthCacheDefaults.AdminKeyScheme).AddAuthCacheAdmin();
        return builder.Build();
    }
}
