using AuthCache.AspNetCore;
using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Grains;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;

namespace AuthCache.Tests.JwtBearer;

/// <summary>
/// A scheme that cannot accept any token stops the start before the embedded silo starts, with one line that says
/// what is wrong for every such scheme, what is configured, and how to fix it.
/// </summary>
public sealed class StartupRefusalTests
{
    [Fact]
    public async Task Authorities_that_are_no_trusted_issuer_stop_the_start_before_the_silo_in_one_line_naming_every_scheme_and_issuer()
    {
        var silo = new SiloStart();
        var logs = new LogCapture();

        var error = await Assert.ThrowsAsync<AuthCacheStartupException>(() => StartAsync(
            ["https://tenant.auth0.com/", "https://clerk.example"],
            new() { ["Bearer"] = "https://tenant.example", ["Orders"] = "https://orders.example/" },
            silo,
            logs));

        Assert.Equal(
            "The JwtBearer scheme 'Bearer' uses AuthCache: its Authority \"https://tenant.example\" is none of AuthCache:Issuers "
            + "(\"https://tenant.auth0.com/\", \"https://clerk.example\"), with or without a trailing slash: add the exact iss of its tokens to "
            + "AuthCache:Issuers (with its JwksUri if it publishes no OpenID Connect discovery document), or set Authority to one of them.; "
            + "The JwtBearer scheme 'Orders' uses AuthCache: its Authority \"https://orders.example/\" is none of AuthCache:Issuers "
            + "(\"https://tenant.auth0.com/\", \"https://clerk.example\"), with or without a trailing slash: add the exact iss of its tokens to "
            + "AuthCache:Issuers (with its JwksUri if it publishes no OpenID Connect discovery document), or set Authority to one of them.",
            error.Message);
        Assert.False(silo.Started);
        StartupLog.AssertReportedInOneLine(logs, error.Message);
    }

    [Fact]
    public async Task No_issuers_at_all_stop_the_start_before_the_silo_and_say_so()
    {
        var silo = new SiloStart();

        var error = await Assert.ThrowsAsync<AuthCacheStartupException>(() => StartAsync([], new() { ["Bearer"] = null }, silo));

        Assert.Equal(
            "The JwtBearer scheme 'Bearer' uses AuthCache, and no issuers are configured (AuthCache:Issuers is empty), so it would refuse every token: "
            + "add the exact iss of the tokens it accepts as AuthCache:Issuers:0:Issuer.",
            error.Message);
        Assert.False(silo.Started);
    }

    [Fact]
    public async Task An_Authority_with_no_issuers_configured_says_that_none_are()
    {
        var error = await Assert.ThrowsAsync<AuthCacheStartupException>(() => StartAsync([], new() { ["Bearer"] = "https://tenant.auth0.com/" }, new SiloStart()));

        Assert.Equal(
            "The JwtBearer scheme 'Bearer' uses AuthCache: its Authority \"https://tenant.auth0.com/\" must be one of AuthCache:Issuers, and no issuers "
            + "are configured: add the exact iss of its tokens as AuthCache:Issuers:0:Issuer.",
            error.Message);
    }

    [Fact]
    public async Task With_an_Authority_that_is_a_trusted_issuer_the_same_host_starts_its_silo()
    {
        var silo = new SiloStart();

        await StartAsync(["https://tenant.auth0.com/"], new() { ["Bearer"] = "https://tenant.auth0.com" }, silo);

        Assert.True(silo.Started);
    }

    private static async Task StartAsync(string[] issuers, Dictionary<string, string?> authorities, SiloStart silo, LogCapture? logs = null)
    {
        var builder = MinimalApp.CreateBuilder(logs);
        builder.Configuration["AuthCache:Dashboard:Enabled"] = "false";
        builder.UseOrleans(orleans => orleans
            .UseLocalhostClustering(FreePort.Next(), FreePort.Next(), clusterId: "refusal-" + Guid.NewGuid().ToString("N"))
            .AddAuthCacheLocalPersistence()
            .AddAuthCacheGrains()
            .AddStartupTask((_, _) =>
            {
                silo.Started = true;
                return Task.CompletedTask;
            }));
        builder.Services.AddAuthCache(options => options.Issuers.AddRange(issuers.Select(i => new IssuerOptions { Issuer = i })));
        var authentication = builder.Services.AddAuthentication();
        foreach (var (scheme, authority) in authorities)
        {
            authentication.AddJwtBearer(scheme, bearer =>
            {
                bearer.Authority = authority;
                bearer.UseAuthCache();
            });
        }

        await using var app = builder.Build();
        await app.StartAsync();
        await app.StopAsync();
    }

    /// <summary>Set by a startup task of the silo: the silo's lifecycle ran.</summary>
    private sealed class SiloStart
    {
        public bool Started { get; set; }
    }
}
