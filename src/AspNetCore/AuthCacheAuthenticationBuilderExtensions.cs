using AuthCache.AspNetCore.Admin;
using AuthCache.AspNetCore.Authentication;
using AuthCache.AspNetCore.Caching;
using AuthCache.AspNetCore.Health;
using AuthCache.AspNetCore.Revocation;
using AuthCache.AspNetCore.Statistics;
using AuthCache.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore;

public static class AuthCacheAuthenticationBuilderExtensions
{
    /// <summary>
    /// The cached bearer scheme (<see cref="AuthCacheDefaults.AuthenticationScheme"/>), a drop-in for
    /// <c>AddJwtBearer</c>: <c>services.AddAuthentication("AuthCache").AddAuthCache()</c>. Also registers the
    /// request cache, the admin schemes and policy, the health checks, and the reporting of this host's
    /// counters to the cluster. Needs an <see cref="IGrainFactory"/> (a co-hosted silo or an Orleans client).
    /// </summary>
    public static AuthenticationBuilder AddAuthCache(this AuthenticationBuilder builder, Action<AuthCacheAuthenticationOptions>? configure = null)
    {
        AddSharedServices(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (!builder.Services.Any(d => d.ServiceType == typeof(ApiHostCountersReporter)))
        {
            builder.Services.AddSingleton<ApiHostCountersReporter>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ApiHostCountersReporter>());
        }

        return builder.AddScheme<AuthCacheAuthenticationOptions, AuthCacheAuthenticationHandler>(AuthCacheDefaults.AuthenticationScheme, configure);
    }

    /// <summary>The direct scheme (<see cref="AuthCacheDefaults.DirectAuthenticationScheme"/>): same rules, no grain calls.</summary>
    public static AuthenticationBuilder AddAuthCacheDirect(this AuthenticationBuilder builder, Action<AuthCacheAuthenticationOptions>? configure = null)
    {
        AddSharedServices(builder);
        return builder.AddScheme<AuthCacheAuthenticationOptions, DirectAuthenticationHandler>(AuthCacheDefaults.DirectAuthenticationScheme, configure);
    }

    /// <summary>
    /// The admin key scheme (<c>X-Admin-Key</c> header; HTTP Basic with the key as password only to open the
    /// dashboard) and the <see cref="AuthCacheDefaults.AdminPolicy"/> policy, which also accepts a token of an admin
    /// issuer with the configured admin role when the cached scheme is registered. State-changing admin requests sent
    /// by a browser for another website are refused, and refused admin requests are audited. Enough on its own for a
    /// host that only serves admin pages, such as a silo host's dashboard.
    /// </summary>
    public static AuthenticationBuilder AddAuthCacheAdmin(this AuthenticationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(AdminAuditLog)))
        {
            return builder;
        }

        services.AddOptions<AuthCacheAdminOptions>().BindConfiguration(AuthCacheAdminOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthCacheAdminOptions>, AuthCacheAdminOptionsValidator>());
        builder.AddScheme<AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(AuthCacheDefaults.AdminKeyScheme, null);
        services.AddSingleton<AdminAuditLog>();
        services.AddSingleton<IAuthorizationHandler, AdminRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AdminAuthorizationResultHandler>();
        services.AddAuthorization();

        // The scheme list is decided once all schemes are registered, whatever the order of the calls.
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<AuthenticationOptions>>((authorization, authentication) =>
            authorization.AddPolicy(AuthCacheDefaults.AdminPolicy, policy =>
            {
                policy.AddAuthenticationSchemes(AuthCacheDefaults.AdminKeyScheme);
                if (authentication.Value.SchemeMap.ContainsKey(AuthCacheDefaults.AuthenticationScheme))
                {
                    policy.AddAuthenticationSchemes(AuthCacheDefaults.AuthenticationScheme);
                }

                policy.AddRequirements(new AdminRequirement());
            }));
        return builder;
    }

    private static void AddSharedServices(AuthenticationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(AuthCacheTokenResolver)))
        {
            return;
        }

        services.AddAuthCacheCore();
        services.AddOptions<AuthCacheAuthenticationOptions>(AuthCacheDefaults.AuthenticationScheme)
            .Configure<IConfiguration>(BindClusterTimeouts)
            .Validate(
                o => o.GrainCallTimeout > TimeSpan.Zero && o.GrainCallTimeout <= AuthCacheAuthenticationOptions.MaxGrainCallTimeout,
                $"{AuthCacheAuthenticationOptions.GrainCallTimeoutKey} must be more than zero and at most {AuthCacheAuthenticationOptions.MaxGrainCallTimeout}.")
            .Validate(
                o => o.FallbackAfter > TimeSpan.Zero && o.FallbackAfter <= o.GrainCallTimeout,
                $"{AuthCacheAuthenticationOptions.FallbackAfterKey} must be more than zero and at most {AuthCacheAuthenticationOptions.GrainCallTimeoutKey}.")
            .ValidateOnStart();
        services.TryAddScoped<RequestAuthCache>();
        services.TryAddScoped<AuthCacheTokenResolver>();
        services.TryAddSingleton<ClusterAvailability>();
        services.TryAddSingleton<TokenNearCache>();
        services.TryAddSingleton<ApiHostIdentity>();

        // A client of the cluster keeps its own copy of the revocation list (a silo's process has its silo's).
        services.AddSingleton<HostRevocationSubscription>();
        services.AddHostedService(sp => sp.GetRequiredService<HostRevocationSubscription>());
        services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<HostRevocationSubscription>());
        services.AddHostedService<ClusterKeyMirror>();
        services.AddOptions<FailedAuthenticationLimitOptions>().BindConfiguration(FailedAuthenticationLimitOptions.SectionName)
            .Validate(o => o.PermitLimit > 0 && o.Window > TimeSpan.Zero, "AuthCache:FailedAuthenticationLimit needs a positive PermitLimit and Window.")
            .ValidateOnStart();
        services.TryAddSingleton<FailedAuthenticationLimiter>();

        builder.AddAuthCacheAdmin();
        services.AddHealthChecks().AddAuthCacheHealthChecks();
    }

    // Configuration first, so a value set in code by AddAuthCache(o => ...) still wins.
    private static void BindClusterTimeouts(AuthCacheAuthenticationOptions options, IConfiguration configuration)
    {
        if (configuration.GetValue<TimeSpan?>(AuthCacheAuthenticationOptions.GrainCallTimeoutKey) is { } timeout)
        {
            options.GrainCallTimeout = timeout;
        }

        if (configuration.GetValue<TimeSpan?>(AuthCacheAuthenticationOptions.FallbackAfterKey) is { } fallbackAfter)
        {
            options.FallbackAfter = fallbackAfter;
        }
    }
}
