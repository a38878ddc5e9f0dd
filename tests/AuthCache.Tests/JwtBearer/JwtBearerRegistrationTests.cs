using System.Net;
using AuthCache.AspNetCore;
using AuthCache.Core;
using AuthCache.AspNetCore.Authentication;
using AuthCache.AspNetCore.Caching;
using AuthCache.AspNetCore.Endpoints;
using AuthCache.Core.Options;
using AuthCache.Grains;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.JwtBearer;

/// <summary>What <c>UseAuthCache()</c> and the admin registration refuse at start, and what they leave to the application.</summary>
public sealed class JwtBearerRegistrationTests
{
    private const string Issuer = "https://issuer.example";

    [Fact]
    public async Task An_Authority_that_is_not_a_trusted_issuer_stops_the_start_and_says_how_to_fix_it()
    {
        var error = await Assert.ThrowsAsync<AuthCacheStartupException>(() => StartAsync(bearer => bearer.Authority = "https://other.example"));

        Assert.Contains("AuthCache:Issuers", error.Message);
        Assert.Contains("https://other.example", error.Message);
    }

    [Fact]
    public async Task Validation_settings_AuthCache_cannot_honour_stop_the_start()
    {
        var error = await Assert.ThrowsAsync<AuthCacheStartupException>(() => StartAsync(bearer =>
        {
            bearer.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(new byte[32]);
            bearer.TokenValidationParameters.ValidateTokenReplay = true;
        }));

        Assert.Contains("IssuerSigningKey", error.Message);
        Assert.Contains("token replay", error.Message);
    }

    [Fact]
    public async Task ValidAlgorithms_that_leave_out_what_an_unpinned_issuer_may_accept_stop_the_start_and_name_the_issuer_setting()
    {
        var error = await Assert.ThrowsAsync<AuthCacheStartupException>(() => StartAsync(bearer => bearer.TokenValidationParameters.ValidAlgorithms = ["RS256"]));

        Assert.Contains("ValidAlgorithms narrower than what the trusted issuers may accept", error.Message);
        Assert.Contains("AuthCache:Issuers:N:Algorithms", error.Message);
    }

    [Fact]
    public async Task ValidAlgorithms_that_cover_every_issuers_pinned_algorithms_are_accepted()
    {
        await using var app = await StartAsync(
            bearer => bearer.TokenValidationParameters.ValidAlgorithms = ["RS256", "PS256"],
            services => services.Configure<AuthCacheOptions>(options => options.Issuers.ForEach(issuer => issuer.Algorithms.Add("PS256"))),
            registerLate: true);

        Assert.Equal(["PS256"], app.Services.GetRequiredService<IOptions<AuthCacheOptions>>().Value.Issuers.Single().Algorithms);
    }

    [Fact]
    public async Task The_applications_authorization_result_handler_still_decides_every_other_route()
    {
        var handler = new CountingResultHandler();
        await using var app = await StartAsync(configureServices: services => services.AddSingleton<IAuthorizationMiddlewareResultHandler>(handler), mapAdmin: true);

        var answer = await new HttpClient { BaseAddress = new Uri(app.Urls.First()) }.GetAsync("/private");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task A_result_handler_registered_after_the_admin_routes_would_replace_their_checks_so_mapping_them_fails()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(
            configureServices: services => services.AddSingleton<IAuthorizationMiddlewareResultHandler, CountingResultHandler>(),
            registerLate: true,
            mapAdmin: true));

        Assert.Contains("before calling AddAuthCacheAdmin()", error.Message);
    }

    [Fact]
    public async Task A_silo_host_without_authentication_starts_and_resolves_tokens_through_the_cache()
    {
        await using var issuer = await TestIssuer.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", Args = [] });
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort.Next(), FreePort.Next(), clusterId: "no-authentication-" + Guid.NewGuid().ToString("N"))
            .AddAuthCacheLocalPersistence()
            .AddAuthCacheGrains());
        builder.Services.AddAuthCache(options => options.Issuers.Add(new IssuerOptions { Issuer = issuer.Issuer, RequireHttps = false }));
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            await using var scope = host.Services.CreateAsyncScope();
            var resolution = await scope.ServiceProvider.GetRequiredService<AuthCacheTokenResolver>().ResolveAsync(issuer.CreateToken("user_no_authentication"));

            Assert.True(resolution.Outcome.IsValid);
            Assert.Equal("user_no_authentication", resolution.Outcome.Subject);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<WebApplication> StartAsync(
        Action<JwtBearerOptions>? configure = null,
        Action<IServiceCollection>? configureServices = null,
        bool registerLate = false,
        bool mapAdmin = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (!registerLate)
        {
            configureServices?.Invoke(builder.Services);
        }

        builder.Configuration["AuthCache:Dashboard:Enabled"] = "false";
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort.Next(), FreePort.Next(), clusterId: "registration-" + Guid.NewGuid().ToString("N"))
            .AddAuthCacheLocalPersistence()
            .AddAuthCacheGrains());
        builder.Services.AddAuthCache(options => options.Issuers.Add(new IssuerOptions { Issuer = Issuer }));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
        {
            configure?.Invoke(bearer);
            bearer.UseAuthCache();
        }).AddAuthCacheAdmin();
        if (registerLate)
        {
            configureServices?.Invoke(builder.Services);
        }

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/private", () => "ok").RequireAuthorization();
        if (mapAdmin)
        {
            app.MapCacheAdmin();
        }

        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private sealed class CountingResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            Interlocked.Increment(ref _calls);
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }
}
