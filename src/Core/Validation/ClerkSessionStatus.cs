using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthCache.Core.Validation;

/// <summary>
/// Clerk's session tokens of version 2 (<c>"v": 2</c>) say in <c>sts</c> whether their session is <c>active</c> or
/// <c>pending</c> (signed in, with a task such as choosing an organisation still to do). Clerk's SDKs treat a pending
/// session as signed out unless the application opts in. Only a version 2 token is read so: another issuer's
/// <c>sts</c> claim means whatever that issuer means by it.
/// </summary>
internal static class ClerkSessionStatus
{
    public const string StatusClaim = "sts";
    public const string Pending = "pending";

    public static bool IsPending(JsonWebToken jwt) =>
        jwt.TryGetClaim(ClerkOrganizationClaims.VersionClaim, out var version)
        && version.Value == "2"
        && version.ValueType is ClaimValueTypes.Integer or ClaimValueTypes.Integer32 or ClaimValueTypes.Integer64
        && jwt.TryGetClaim(StatusClaim, out var status)
        && status.ValueType == ClaimValueTypes.String
        && string.Equals(status.Value, Pending, StringComparison.Ordinal);
}
