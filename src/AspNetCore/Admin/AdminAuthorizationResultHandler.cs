using AuthCache.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace AuthCache.AspNetCore.Admin;

/// <summary>
/// Applies to every route under the admin policy, so no admin endpoint can leave it out: a state-changing request
/// that another website made a browser send (<see cref="CrossSiteRequest"/>) is refused with 403 and a reason code,
/// whatever credentials it carries; a refused request (401, 403, dashboard included) is written to the audit log.
/// Everything else is answered as ASP.NET Core's default handler does.
/// </summary>
internal sealed class AdminAuthorizationResultHandler(AdminAuditLog audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!policy.Requirements.OfType<AdminRequirement>().Any())
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        if (CrossSiteRequest.RefusalReason(context.Request) is { } reason)
        {
            audit.Denied(context, reason);
            return ReasonProblem.Create(
                StatusCodes.Status403Forbidden,
                reason,
                "Admin requests that change state are refused when a browser sends them on behalf of another website; send them from a script or a terminal with the X-Admin-Key header or an admin bearer token.")
                .ExecuteAsync(context);
        }

        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            audit.Denied(context, authorizeResult.Forbidden ? AdminAuditLog.Forbidden : AdminAuditLog.Unauthenticated);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
