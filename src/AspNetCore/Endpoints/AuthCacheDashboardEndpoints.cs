using AuthCache.AspNetCore.Admin;
using AuthCache.Core.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;

namespace AuthCache.AspNetCore.Endpoints;

internal static class AuthCacheDashboardEndpoints
{
    public const string DefaultRoutePrefix = "/dashboard";

    /// <summary>
    /// The Orleans Dashboard at <paramref name="routePrefix"/>; see
    /// <see cref="AuthCacheEndpointRouteBuilderExtensions.MapAuthCacheDashboard"/>.
    /// </summary>
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints, string routePrefix)
    {
        var configuration = endpoints.ServiceProvider.GetRequiredService<IConfiguration>();
        var options = configuration.GetSection(AuthCacheDashboardOptions.SectionName).Get<AuthCacheDashboardOptions>()
            ?? new();
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
