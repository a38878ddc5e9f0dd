using AuthCache.AspNetCore.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace AuthCache.AspNetCore.Endpoints;

public static class AuthCacheHealthEndpoints
{
    public const string DefaultPrefix = "/health";

    /// <summary>
    /// The Kubernetes probes under <paramref name="prefix"/>: <c>live</c> (the process answers; no dependency is
    /// checked) and <c>ready</c> (the AuthCache checks tagged <see cref="AuthCacheHealthChecks.ReadyTag"/>), both
    /// anonymous and answering the status alone.
    /// </summary>
    public static IEndpointRouteBuilder MapAuthCacheHealthChecks(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix)
    {
        endpoints.MapHealthChecks(prefix + "/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteStatusOnly })
            .AllowAnonymous();
        endpoints.MapHealthChecks(prefix + "/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(AuthCacheHealthChecks.ReadyTag), ResponseWriter = HealthResponseWriter.WriteStatusOnly })
            .AllowAnonymous();
        return endpoints;
    }
}
