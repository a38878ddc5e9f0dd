using System.Security.Claims;
using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Authentication;

internal static class TokenPrincipalFactory
{
    public static ClaimsPrincipal Create(TokenValidationResult result, string scheme, string nameClaimType, string roleClaimType)
    {
        var claims = new Claim[result.Claims.Count];
        for (var i = 0; i < claims.Length; i++)
        {
            var claim = result.Claims[i];
            claims[i] = new Claim(claim.Type, claim.Value, claim.ValueType, result.Issuer);
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, nameClaimType, roleClaimType));
    }
}
