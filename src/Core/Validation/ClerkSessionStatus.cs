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
        && IsVersion2(version.Value, version.ValueType)
        && jwt.TryGetClaim(StatusClaim, out var status)
        && IsPendingStatus(status.Value, status.ValueType);

    /// <summary>A <c>v</c> claim that marks a version 2 session token.</summary>
    public static bool IsVersion2(string value, string valueType) =>
        value == "2" && valueType is ClaimValueTypes.Integer or ClaimValueTypes.Integer32 or ClaimValueTypes.Integer64;

    /// <summary>An <c>sts</c> claim that says the session is pending.</summary>
    public static bool IsPendingStatus(string value, string valueType) =>
        valueType == ClaimValueTypes.String && string.Equals(value, Pending, StringComparison.Ordinal);
}
