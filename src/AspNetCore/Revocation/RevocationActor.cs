using System.Security.Claims;
using AuthCache.AspNetCore.Admin;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>Who asked for a revocation, as the audit log names them (never a credential).</summary>
internal static class RevocationActor
{
    public const string AdminKey = "admin-key";
    public const string ClerkWebhook = "clerk-webhook";

    /// <summary><c>admin-key</c>, or <c>token:{sub}</c> for an admin-role token.</summary>
    public static string From(ClaimsPrincipal user)
    {
        if (AdminKeyAuthenticationHandler.IsAdminKey(user))
        {
            return AdminKey;
        }

        var subject = user.FindFirst("sub")?.Value;
        return subject is { Length: <= RevocationTargetRules.MaxValueLength } && RevocationTargetRules.IsPrintable(subject)
            ? "token:" + subject
            : "token:(unnamed)";
    }
}
