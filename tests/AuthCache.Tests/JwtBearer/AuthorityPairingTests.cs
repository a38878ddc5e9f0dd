using System.Net;
using System.Net.Http.Headers;
using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Authentication;
using AuthCache.Core.Options;
using AuthCache.Grains;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AuthCache.Tests.JwtBearer;

/// <summary>
/// A scheme's <c>Authority</c> pairs with a trusted issuer as JwtBearer's discovery pairs them: with or without one
/// trailing slash (Auth0's issuers end in one), while a token's <c>iss</c> must still equal the issuer exactly.
/// </summary>
public sealed class AuthorityPairingTests
{
    private const string Scheme = "The JwtBearer scheme 'Bearer' uses AuthCache";

    private static AuthCacheOptions Trusting(params string[] issuers) => new() { Issuers = [.. issuers.Select(i => new IssuerOptions { Issuer = i })] };

    [Theory]
    [InlineData("https://tenant.auth0.com/", "https://tenant.auth0.com")]
    [InlineData("https://tenant.auth0.com/", "https://tenant.auth0.com/")]
    [InlineData("https://your-app.clerk.accounts.dev", "https://your-app.clerk.accounts.dev/")]
    [InlineData("https://your-app.clerk.accounts.dev", "https://your-app.clerk.accounts.dev")]
    public void An_Authority_pairs_with_the_issuer_it_equals_with_or_without_one_trailing_slash(string issuer, string authority)
    {
        Assert.Equal(issuer, AuthorityIssuer.Find(Trusting(issuer), authority)?.Issuer);
        Assert.Null(AuthorityIssuer.Refusal(Scheme, authority, Trusting(issuer)));
    }

    [Theory]
    [InlineData("https://tenant.auth0.com", "https://tenant.auth0.com//")]
    [InlineData("https://tenant.auth0.com", "HTTPS://TENANT.AUTH0.COM")]
    [InlineData("https://tenant.auth0.com/", "https://tenant.auth0.com/ ")]
    [InlineData("https://tenant.auth0.com", "https://tenant.auth0.com/api")]
    public void Any_other_difference_pairs_nothing(string issuer, string authority)
    {
        Assert.Null(AuthorityIssuer.Find(Trusting(issuer), authority));
    }

    [Fact]
    public void With_both_spellings_trusted_the_Authority_pairs_with_the_one_it_equals()
    {
        var options = Trusting("https://tenant.example", "https://tenant.example/");

        Assert.Equal("https://tenant.example", AuthorityIssuer.Find(options, "https://tenant.example")?.Issuer);
        Assert.Equal("https://tenant.example/", AuthorityIssuer.Find(options, "https://tenant.example/")?.Issuer);
    }

    [Fact]
    public void The_refusal_is_one_line_quoting_the_Authority_and_every_issuer_with_their_exact_characters()
    {
        // A zero-width space after the host: the two would print alike without quoting.
        var refusal = AuthorityIssuer.Refusal(Scheme, "https://tenant.auth0.com\u200B", Trusting("https://tenant.auth0.com/", "https://other.example"));

        Assert.Equal(
            Scheme + ": its Authority \"https://tenant.auth0.com\\u200B\" is none of AuthCache:Issuers (\"https://tenant.auth0.com/\", \"https://other.example\"), "
            + "with or without a trailing slash: add the exact iss of its tokens to AuthCache:Issuers (with its JwksUri if it publishes no "
            + "OpenID Connect discovery document), or set Authority to one of them.",
            refusal);
    }

    [Fact]
    public void With_no_issuers_configured_the_refusal_says_so()
    {
        var refusal = AuthorityIssuer.Refusal(Scheme, "https://tenant.auth0.com/", Trusting());

        Assert.Equal(
            Scheme + ": its Authority \"https://tenant.auth0.com/\" must be one of AuthCache:Issuers, and no issuers are configured: "
            + "add the exact iss of its tokens as AuthCache:Issuers:0:Issuer.",
            refusal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public async Task An_issuer_whose_iss_ends_in_a_slash_serves_a_scheme_whose_Authority_has_it_or_not_and_only_its_exact_iss_passes(string authoritySuffix)
    {
        await using var issuer = await TestIssuer.StartAsync();
        var slashIssuer = issuer.Issuer + "/";
        await using var app = await StartAsync(
            new IssuerOptions { Issuer = slashIssuer, JwksUri = issuer.JwksUri, RequireHttps = false },
            authority: issuer.Issuer + authoritySuffix);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, issuer.CreateToken(issuer: slashIssuer)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, issuer.CreateToken(issuer: issuer.Issuer)));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/private") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<WebApplication> StartAsync(IssuerOptions trusted, string authority)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["AuthCache:Dashboard:Enabled"] = "false";
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort.Next(), FreePort.Next(), clusterId: "authority-" + Guid.NewGuid().ToString("N"))
            .AddAuthCacheLocalPersistence()
            .AddAuthCacheGrains());
        builder.Services.AddAuthCache(options => options.Issuers.Add(trusted));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
        {
            bearer.Authority = authority;
            bearer.TokenValidationParameters.ValidateAudience = false;
            bearer.UseAuthCache();
        });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/private", () => "ok").RequireAuthorization();
        await app.StartAsync();
        return app;
    }
}
