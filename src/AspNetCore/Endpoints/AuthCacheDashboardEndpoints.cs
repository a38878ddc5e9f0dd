using AuthCache.AspNetCore.Admin;
using AuthCache.Core.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;

namespace AuthCache.AspNetCore.Endpoints;

public static class AuthCacheDashboardEndpoints
{
    public const string DefaultRoutePrefix = "/dashboard";

    /// <summary>
    /// The Orleans Dashboard of this host's silo at <paramref name="routePrefix"/>, behind the admin policy
    /// (<c>X-Admin-Key</c>, HTTP Basic with the admin key as password, or an admin token); an anonymous
    /// browser gets a Basic challenge. It is the one place Basic credentials count, and it only reads (GET and
    /// HEAD). Opening the dashboard is audited. Nothing is mapped when
    /// <c>AuthCache:Dashboard:Enabled</c> is false. Needs a silo with the dashboard (<c>AddAuthCacheGrains</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapAuthCacheDashboard(this IEndpointRouteBuilder endpoints, string routePrefix = DefaultRoutePrefix)
    {
        var configuration = endpoints.ServiceProvider.GetRequiredService<IConfiguration>();
        var options = configuration.GetSection(AuthCacheDashboardOptions.SectionName).Get<AuthCacheDashboardOptions>() ?? new();
        if (!options.Enabled)
        {
            return endpoints;
        }

        var audit = endpoints.ServiceProvider.GetRequiredService<AdminAuditLog>();
        var pages = new[] { routePrefix + "/", routePrefix + "/index.html" };
        endpoints.MapOrleansDashboard(routePrefix)
            .RequireAuthorization(AuthCacheDefaults.AdminPolicy)
            .WithMetadata(AdminBasicCredentialsMetadata.Instance)
            .AddEndpointFilter(async (context, next) =>
            {
                // The page polls its API every second: only opening it is an action worth auditing.
                if (pages.Contains(context.HttpContext.Request.Path.Value, StringComparer.OrdinalIgnoreCase))
                {
                    audit.Performed(context.HttpContext, "dashboard.open", "success");
                }

                return await next(context);
            });
        return endpoints;
    }
}
