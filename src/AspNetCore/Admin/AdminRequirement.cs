using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Admin;

/// <summary>Met by a valid <c>X-Admin-Key</c>, or by a validated token carrying the configured admin role.</summary>
public sealed class AdminRequirement : IAuthorizationRequirement;

internal sealed class AdminRequirementHandler(IOptionsMonitor<AuthCacheAdminOptions> options) : AuthorizationHandler<AdminRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminRequirement requirement)
    {
        var admin = options.CurrentValue;
        if (context.User.HasClaim(AdminKeyAuthenticationHandler.AdminKeyClaimType, "true")
            || context.User.HasClaim(admin.RoleClaim, admin.Role))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
