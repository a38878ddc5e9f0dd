using AuthCache.AspNetCore.Admin;
using AuthCache.AspNetCore.Authentication;
using AuthCache.AspNetCore.Caching;
using AuthCache.AspNetCore.Health;
using AuthCache.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthCache.AspNetCore;

public static class AuthCacheAuthenticationBuilderExtensions
{
    /// <summary>
    /// The cached bearer scheme (<see cref="AuthCacheDefaults.AuthenticationScheme"/>), a drop-in for
    /// <c>AddJwtBearer</c>: <c>services.AddAuthentication("AuthCache").AddAuthCache()</c>. Also registers the
    /// request cache, the admin key scheme and policy, and the health checks. Needs an <see cref="IGrainFactory"/>
    /// (a co-hosted silo or an Orleans client).
    /// </summary>
    public static AuthenticationBuilder AddAuthCache(this AuthenticationBuilder builder, Action<AuthCacheAuthenticationOptions>? configure = null)
    {
        AddSharedServices(builder);
        return builder.AddScheme<AuthCacheAuthenticationOptions, AuthCacheAuthenticationHandler>(AuthCacheDefaults.AuthenticationScheme, configure);
    }

    /// <summary>The direct scheme (<see cref="AuthCacheDefaults.DirectAuthenticationScheme"/>): same rules, no grain calls.</summary>
    public static AuthenticationBuilder AddAuthCacheDirect(this AuthenticationBuilder builder, Action<AuthCacheAuthenticationOptions>? configure = null)
    {
        AddSharedServices(builder);
        return builder.AddScheme<AuthCacheAuthenticationOptions, DirectAuthenticationHandler>(AuthCacheDefaults.DirectAuthenticationScheme, configure);
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
            .Configure<IConfiguration>(BindGrainCallTimeout)
            .Validate(
                o => o.GrainCallTimeout > TimeSpan.Zero && o.GrainCallTimeout <= AuthCacheAuthenticationOptions.MaxGrainCallTimeout,
                $"{AuthCacheAuthenticationOptions.GrainCallTimeoutKey} must be more than zero and at most {AuthCacheAuthenticationOptions.MaxGrainCallTimeout}.")
            .ValidateOnStart();
        services.TryAddScoped<RequestAuthCache>();
        services.TryAddScoped<AuthCacheTokenResolver>();
        services.TryAddSingleton<ClusterAvailability>();
        services.AddOptions<FailedAuthenticationLimitOptions>().BindConfiguration(FailedAuthenticationLimitOptions.SectionName)
            .Validate(o => o.PermitLimit > 0 && o.Window > TimeSpan.Zero, "AuthCache:FailedAuthenticationLimit needs a positive PermitLimit and Window.")
            .ValidateOnStart();
        services.TryAddSingleton<FailedAuthenticationLimiter>();

        services.AddOptions<AuthCacheAdminOptions>().BindConfiguration(AuthCacheAdminOptions.SectionName);
        builder.AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(AuthCacheDefaults.AdminKeyScheme, null);
        services.AddSingleton<IAuthorizationHandler, AdminRequirementHandler>();
        services.AddAuthorizationBuilder().AddPolicy(AuthCacheDefaults.AdminPolicy, policy => policy
            .AddAuthenticationSchemes(AuthCacheDefaults.AdminKeyScheme, AuthCacheDefaults.AuthenticationScheme)
            .AddRequirements(new AdminRequirement()));

        services.AddHealthChecks().AddAuthCacheHealthChecks();
    }

    // Configuration first, so a value set in code by AddAuthCache(o => ...) still wins.
    private static void BindGrainCallTimeout(AuthCacheAuthenticationOptions options, IConfiguration configuration)
    {
        if (configuration.GetValue<TimeSpan?>(AuthCacheAuthenticationOptions.GrainCallTimeoutKey) is { } timeout)
        {
            options.GrainCallTimeout = timeout;
        }
    }
}
