using System.Security.Claims;
using AuthCache.AspNetCore.Admin;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>Who asked for a revocation, as the audit log names them (never a credential).</summary>
internal static class RevocationActor
{
    public const string AdminKey = "admin-key";
    public const string ClerkWebhook = "clerk-webhook";

    /// <summary>
    /// <c>admin-key</c>, or <c>token:{sub}@{iss}</c> for an admin-role token: a subject is unique only within its
    /// issuer.
    /// </summary>
    public static string From(ClaimsPrincipal user)
    {
        if (AdminKeyAuthenticationHandler.IsAdminKey(user))
        {
            return AdminKey;
        }

        var claim = AdminTokenClaims.Subject(user);
        return
            claim?.Value is { Length: <= RevocationTargetRules.MaxValueLength } subject
            && RevocationTargetRules.IsPrintable(subject)
            ? "token:" + subject + "@" + claim.Issuer
            : "token:(unnamed)";
    }
}
