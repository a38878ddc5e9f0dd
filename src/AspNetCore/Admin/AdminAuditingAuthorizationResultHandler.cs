using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace AuthCache.AspNetCore.Admin;

/// <summary>
/// Writes a refused admin request (401 or 403 on any route under the admin policy, the dashboard included) to
/// the audit log, then answers as ASP.NET Core's default handler does.
/// </summary>
internal sealed class AdminAuditingAuthorizationResultHandler(AdminAuditLog audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && policy.Requirements.OfType<AdminRequirement>().Any())
        {
            audit.Denied(context, authorizeResult.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
