using AuthCache.Core.Options;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Admin;

/// <summary>
/// Met by a valid admin key, or by a validated token of an admin issuer (<c>AuthCache:Admin:Issuers</c>) carrying
/// the configured admin role. No role configured: only the key.
/// </summary>
internal sealed class AdminRequirement : IAuthorizationRequirement;

internal sealed class AdminRequirementHandler(
    IOptionsMonitor<AuthCacheAdminOptions> options,
    IOptionsMonitor<AuthCacheOptions> cacheOptions) : AuthorizationHandler<AdminRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminRequirement requirement)
    {
        if (AdminKeyAuthenticationHandler.IsAdminKey(context.User) || HasAdminRole(context))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    // A token's claims carry its validated issuer (Claim.Issuer), so an admin role stated by another trusted issuer
    // never counts.
    private bool HasAdminRole(AuthorizationHandlerContext context)
    {
        var admin = options.CurrentValue;
        if (string.IsNullOrEmpty(admin.Role))
        {
            return false;
        }

        var issuers = admin.AdminTokenIssuers(cacheOptions.CurrentValue);
        var roleTypes = AdminTokenClaims.TypesOf(admin.RoleClaim);
        return context.User.HasClaim(c =>
            roleTypes.Contains(c.Type, StringComparer.Ordinal)
            && string.Equals(c.Value, admin.Role, StringComparison.Ordinal)
            && issuers.Contains(c.Issuer, StringComparer.Ordinal));
    }
}
