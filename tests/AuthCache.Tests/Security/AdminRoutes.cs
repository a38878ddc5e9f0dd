using AuthCache.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace AuthCache.Tests.Security;

/// <summary>The admin routes a running host really maps, read from its endpoints rather than from a list that could fall behind.</summary>
public static class AdminRoutes
{
    /// <summary>Every (method, path) under the admin policy whose method is not GET or HEAD.</summary>
    public static IReadOnlyList<(string Method, string Path)> StateChanging(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == AuthCacheDefaults.AdminPolicy))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["POST", "PUT", "PATCH", "DELETE"])
                .Where(m => m is not ("GET" or "HEAD"))
                .Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()
            .OrderBy(r => r.Item2, StringComparer.Ordinal)
            .ToArray();
}
