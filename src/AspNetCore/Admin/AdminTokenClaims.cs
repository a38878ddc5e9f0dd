using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthCache.AspNetCore.Admin;

/// <summary>
/// Reads an admin token's claims under either name they can carry: the JWT's own (<c>sub</c>, <c>role</c>) when the
/// scheme keeps them (<c>MapInboundClaims = false</c>), or the one JwtBearer maps them to by default
/// (<see cref="ClaimTypes.NameIdentifier"/>, <see cref="ClaimTypes.Role"/>).
/// </summary>
internal static class AdminTokenClaims
{
    public static Claim? Subject(ClaimsPrincipal user) =>
        user.FindFirst(JwtRegisteredClaimNames.Sub) ?? user.FindFirst(ClaimTypes.NameIdentifier);

    /// <summary>The claim types a token's <paramref name="jwtClaim"/> can arrive under.</summary>
    public static IReadOnlyList<string> TypesOf(string jwtClaim) =>
        JsonWebTokenHandler.DefaultInboundClaimTypeMap.TryGetValue(jwtClaim, out var mapped) && mapped != jwtClaim
            ? [jwtClaim, mapped]
            : [jwtClaim];
}
