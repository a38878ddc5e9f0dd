using AuthCache.AspNetCore.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace AuthCache.AspNetCore.Endpoints;

internal static class AuthCacheHealthEndpoints
{
    public const string DefaultPrefix = "/health";

    /// <summary>
    /// The probes under <paramref name="prefix"/>; see
    /// <see cref="AuthCacheEndpointRouteBuilderExtensions.MapAuthCacheHealthChecks"/>.
    /// </summary>
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        endpoints
            .MapHealthChecks(
                prefix + "/live",
                new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteStatusOnly }
            )
            .AllowAnonymous();
        endpoints
            .MapHealthChecks(
                prefix + "/ready",
                new HealthCheckOptions
                {
                    Predicate = c => c.Tags.Contains(AuthCacheDefaults.HealthReadyTag),
                    ResponseWriter = HealthResponseWriter.WriteStatusOnly,
                })
            .AllowAnonymous();
        return endpoints;
    }
}
