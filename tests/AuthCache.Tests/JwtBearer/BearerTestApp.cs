using System.Collections.Concurrent;
using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Authentication;
using AuthCache.Core.Options;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AuthCache.Tests.JwtBearer;

/// <summary>
/// An application as an adopter writes it: a JwtBearer scheme configured by <paramref name="configure"/> and, when
/// AuthCache is on, the same scheme with <c>UseAuthCache()</c> and an embedded silo, on Kestrel at 127.0.0.1. Every
/// JwtBearer event fired for a request is recorded under the request's <c>X-Test-Request</c> id.
/// </summary>
public sealed class BearerTestApp : IAsyncDisposable
{
    public const string RequestIdHeader = "X-Test-Request";

    private BearerTestApp(WebApplication app, string baseUrl)
    {
        App = app;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public ConcurrentDictionary<string, ConcurrentQueue<string>> Events { get; } = new();

    /// <param name="otherSchemes">More JwtBearer schemes, each using AuthCache, served at <c>/schemes/{name}/claims</c>.</param>
    /// <param name="adminRole">With AuthCache: the admin routes mapped under <c>/api/v1/cache</c>, and tokens holding this role admins.</param>
    /// <param name="logs">Where the application's log lines go, for tests that read the audit trail.</param>
    public static async Task<BearerTestApp> StartAsync(
        TestIssuer issuer,
        bool useAuthCache,
        Action<JwtBearerOptions>? configure = null,
        Action<AuthCacheBearerOptions>? authCache = null,
        IReadOnlyDictionary<string, Action<JwtBearerOptions>>? otherSchemes = null,
        string? adminRole = null,
        LogCapture? logs = null)
    {
        var builder = MinimalApp.CreateBuilder(logs);
        BearerTestApp? created = null;
        if (useAuthCache)
        {
            builder.AddEmbeddedAuthCache("bearer", options => options.Issuers.Add(new IssuerOptions { Issuer = issuer.Issuer, RequireHttps = false }));
        }

        var authentication = builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
        {
            bearer.Authority = issuer.Issuer;
            bearer.RequireHttpsMetadata = false;
            bearer.Events = Recording(() => created!);
            configure?.Invoke(bearer);
            if (useAuthCache)
            {
                bearer.UseAuthCache(authCache);
            }
        });
        foreach (var (name, configureScheme) in otherSchemes ?? new Dictionary<string, Action<JwtBearerOptions>>())
        {
            authentication.AddJwtBearer(name, bearer =>
            {
                bearer.Authority = issuer.Issuer;
                configureScheme(bearer);
                bearer.UseAuthCache();
            });
        }

        if (useAuthCache && adminRole is not null)
        {
            builder.Configuration["AuthCache:Admin:Role"] = adminRole;
            authentication.AddAuthCacheAdmin();
        }

        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/claims", (HttpContext context) => context.User.Claims.Select(c => new[] { c.Type, c.Value })).RequireAuthorization();
        app.MapGet("/admins", () => "admin").RequireAuthorization(policy => policy.RequireRole("admin"));
        app.MapGet("/saved-token", async (HttpContext context) => await context.GetTokenAsync("access_token") ?? "(none)").RequireAuthorization();
        if (useAuthCache && adminRole is not null)
        {
            app.MapCacheAdmin();
            app.MapCacheRevocation();
        }

        foreach (var name in otherSchemes?.Keys ?? [])
        {
            app.MapGet($"/schemes/{name}/claims", (HttpContext context) => context.User.Claims.Select(c => new[] { c.Type, c.Value }))
                .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = name });
        }
        created = new BearerTestApp(app, await MinimalApp.StartAsync(app));
        return created;
    }

    /// <summary>The events fired for one request, in order.</summary>
    public IReadOnlyList<string> EventsOf(string requestId) => Events.TryGetValue(requestId, out var fired) ? [.. fired] : [];

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>The exception's type and its base types, most derived first: <c>SecurityTokenExpiredException>…>Exception</c>.</summary>
    public static string TypeNames(Type type) => type.BaseType is { } parent && type != typeof(Exception) ? type.Name + ">" + TypeNames(parent) : type.Name;

    private static JwtBearerEvents Recording(Func<BearerTestApp> app)
    {
        void Record(HttpContext context, string name)
        {
            var id = context.Request.Headers[RequestIdHeader].ToString();
            app().Events.GetOrAdd(id, _ => new ConcurrentQueue<string>()).Enqueue(name);
        }

        return new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                Record(context.HttpContext, nameof(JwtBearerEvents.OnMessageReceived));
                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                Record(context.HttpContext, nameof(JwtBearerEvents.OnTokenValidated));
                return Task.CompletedTask;
            },
            OnAuthenticationFailed = context =>
            {
                Record(context.HttpContext, nameof(JwtBearerEvents.OnAuthenticationFailed) + ":" + TypeNames(context.Exception.GetType()));
                return Task.CompletedTask;
            },
            OnChallenge = context =>
            {
                Record(context.HttpContext, nameof(JwtBearerEvents.OnChallenge));
                return Task.CompletedTask;
            },
            OnForbidden = context =>
            {
                Record(context.HttpContext, nameof(JwtBearerEvents.OnForbidden));
                return Task.CompletedTask;
            },
        };
    }
}
