using AuthCache.AspNetCore.Admin;
using AuthCache.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore;

/// <summary>Adds AuthCache's admin authentication and authorization to an application's authentication setup.</summary>
public static class AuthCacheAuthenticationBuilderExtensions
{
    /// <summary>
    /// The admin key scheme (<c>X-Admin-Key</c> header; HTTP Basic with the key as password only to open the
    /// dashboard) and the <see cref="AuthCacheDefaults.AdminPolicy"/> policy, which also accepts a token of an admin
    /// issuer with the configured admin role from any JwtBearer scheme that uses AuthCache. State-changing admin
    /// requests sent by a browser for another website are refused, and refused admin requests are audited: both by
    /// decorating the application's <see cref="IAuthorizationMiddlewareResultHandler"/> (register yours before this
    /// call), which keeps deciding every other route. Enough on its own for a host that only serves admin pages, such
    /// as a silo host's dashboard.
    /// </summary>
    public static AuthenticationBuilder AddAuthCacheAdmin(this AuthenticationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(AdminAuditLog)))
        {
            return builder;
        }

        services.AddOptions<AuthCacheAdminOptions>()
            .BindConfiguration(AuthCacheAdminOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<AuthCacheAdminOptions>, AuthCacheAdminOptionsValidator>());
        builder.AddScheme<AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(
            AuthCacheDefaults.AdminKeyScheme, null);
        services.AddSingleton<AdminAuditLog>();
        services.AddSingleton<IAuthorizationHandler, AdminRequirementHandler>();
        DecorateResultHandler(services);
        services.AddAuthorization();

        // The scheme list is decided once all schemes are registered, whatever the order of the calls.
        services.AddOptions<AuthorizationOptions>()
            .Configure<IOptions<AuthenticationOptions>, IOptionsMonitor<JwtBearerOptions>>(
                (authorization, authentication, bearer) =>
                    authorization.AddPolicy(AuthCacheDefaults.AdminPolicy, policy =>
                    {
                        policy.AddAuthenticationSchemes(AuthCacheDefaults.AdminKeyScheme);
                        foreach (var (name, scheme) in authentication.Value.SchemeMap)
                        {
                            if (typeof(JwtBearerHandler).IsAssignableFrom(scheme.HandlerType)
                                && AuthCacheJwtBearerSetup.HandlerOf(bearer.Get(name)) is not null)
                            {
                                policy.AddAuthenticationSchemes(name);
                            }
                        }

                        policy.AddRequirements(new AdminRequirement());
                    }));
        return builder;
    }

    /// <summary>Wraps the result handler registered so far (ASP.NET Core's default when none is).</summary>
    private static void DecorateResultHandler(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        services.RemoveAll<IAuthorizationMiddlewareResultHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(sp => new AdminAuthorizationResultHandler(
            sp.GetRequiredService<AdminAuditLog>(),
            registered is null ? new AuthorizationMiddlewareResultHandler() : (IAuthorizationMiddlewareResultHandler)(
                registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
    }
}
