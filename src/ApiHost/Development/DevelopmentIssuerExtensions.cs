using AuthCache.AspNetCore.Admin;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using Microsoft.Extensions.Options;

namespace AuthCache.ApiHost.Development;

public static partial class DevelopmentIssuerExtensions
{
    /// <summary>
    /// The admin key of a host whose only trusted issuer is its development issuer (appsettings.Development.json).
    /// </summary>
    internal const string AdminKeySetting = "DevelopmentIssuer:AdminKey";

    /// <summary>
    /// The admin role of the development issuer's tokens (<c>/dev/token?role=…</c>), under the same condition.
    /// </summary>
    internal const string AdminRoleSetting = "DevelopmentIssuer:AdminRole";

    /// <summary>
    /// In Development with no issuer configured (neither <c>AuthCache:Issuers</c> nor the Clerk variables),
    /// trusts a local <see cref="DevelopmentIssuer"/> served by this host. When the configured issuers name this
    /// host's development issuer (<c>{this host}/dev/issuer</c>), it is served too, so the silos and other API
    /// hosts of a local cluster can trust it. While it is the only trusted issuer, <see cref="AdminKeySetting"/> and
    /// <see cref="AdminRoleSetting"/> stand in for an unset <c>AuthCache:Admin:ApiKey</c> and <c>Role</c>. Never
    /// outside Development.
    /// </summary>
    public static WebApplicationBuilder AddDevelopmentIssuer(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            return builder;
        }

        var baseUrl = ListeningBaseUrl(builder.Configuration);
        if (HasConfiguredIssuer(builder.Configuration)
            && !ConfiguredIssuers(builder.Configuration).Contains(DevelopmentIssuer.IssuerOf(baseUrl)))
        {
            return builder;
        }

        var issuer = new DevelopmentIssuer(baseUrl);
        builder.Services.AddSingleton(issuer);
        builder.Services.AddSingleton<IJwksSource>(issuer);

        builder.Services.PostConfigure<AuthCacheOptions>(options =>
        {
            if (options.FindIssuer(issuer.Issuer) is null)
            {
                options.Issuers.Add(new IssuerOptions { Issuer = issuer.Issuer, RequireHttps = false });
            }
        });
        AddDevelopmentAdmin(builder, issuer.Issuer);
        return builder;
    }

    // The development key and role are public knowledge and anyone may mint this issuer's tokens: they must never
    // open a host that also trusts a real issuer.
    private static void AddDevelopmentAdmin(WebApplicationBuilder builder, string developmentIssuer)
    {
        var adminKey = builder.Configuration[AdminKeySetting];
        var adminRole = builder.Configuration[AdminRoleSetting];
        builder.Services.AddOptions<AuthCacheAdminOptions>().PostConfigure<IOptions<AuthCacheOptions>>((admin, cache) =>
        {
            var trusted = cache.Value.Issuers;
            if (trusted.Count != 1 || !string.Equals(trusted[0].Issuer, developmentIssuer, StringComparison.Ordinal))
            {
                return;
            }

            if (string.IsNullOrEmpty(admin.ApiKey))
            {
                admin.ApiKey = adminKey;
            }

            if (string.IsNullOrEmpty(admin.Role))
            {
                admin.Role = adminRole;
            }
        });
    }

    public static WebApplication MapDevelopmentIssuer(this WebApplication app)
    {
        if (app.Services.GetService<DevelopmentIssuer>() is not { } issuer)
        {
            return app;
        }

        app.MapGet(DevelopmentIssuer.PathPrefix + "/.well-known/jwks.json", () =>
                Results.Content(issuer.GetJwksDocument(), "application/json"))
            .AllowAnonymous();
        app.MapGet(DevelopmentIssuer.PathPrefix + "/.well-known/openid-configuration", () =>
                Results.Json(
                    new Dictionary<string, string>
                    {
                        ["issuer"] = issuer.Issuer,
                        ["jwks_uri"] = issuer.Issuer + "/.well-known/jwks.json",
                    }))
            .AllowAnonymous();
        app.MapMethods("/dev/token", ["GET", "POST"], (string? sub, int? ttl, string? role) =>
            Results.Text(issuer.CreateToken(
                string.IsNullOrWhiteSpace(sub) ? "user_dev" : sub,
                TimeSpan.FromSeconds(Math.Clamp(ttl ?? 300, 1, 86_400)),
                role))).AllowAnonymous();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DevelopmentIssuer));
        app.Lifetime.ApplicationStarted.Register(() => LogReady(logger, issuer.Issuer, issuer.BaseUrl));
        return app;
    }

    private static IEnumerable<string?> ConfiguredIssuers(IConfiguration configuration) =>
        configuration.GetSection("AuthCache:Issuers").GetChildren().Select(i => i["Issuer"]?.TrimEnd('/'));

    private static bool HasConfiguredIssuer(IConfiguration configuration) =>
        configuration.GetSection("AuthCache:Issuers").GetChildren().Any()
        || new[] { "NEXT_PUBLIC_CLERK_DOMAIN", "CLERK_DOMAIN", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY" }.Any(k =>
            !string.IsNullOrWhiteSpace(configuration[k]));

    /// <summary>The first address the host listens on, with wildcard hosts made reachable as localhost.</summary>
    private static string ListeningBaseUrl(IConfiguration configuration)
    {
        var first = configuration["urls"]
            ?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault()
            ?? (
                configuration["http_ports"] is { Length: > 0 } ports
                    ? $"http://localhost:{ports.Split(';')[0]}"
                    : "http://localhost:5000"
            );
        var uri = new UriBuilder(first.Replace("://*", "://localhost").Replace("://+", "://localhost"));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    [LoggerMessage(
        EventId = 4001,
        Level = LogLevel.Information,
        Message = "Development issuer {Issuer} is trusted. Try: curl -s -H \"Authorization: Bearer $(curl -s "
            + "{BaseUrl}/dev/token)\" {BaseUrl}/api/v1/me")]
    private static partial void LogReady(ILogger logger, string issuer, string baseUrl);
}
