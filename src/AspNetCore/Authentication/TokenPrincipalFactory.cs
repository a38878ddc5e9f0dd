using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// The identity of a cached answer as JsonWebTokenHandler would build it for the scheme: a case-sensitive identity
/// with the scheme's authentication, name and role claim types, every claim issued by the token's issuer, and claim
/// types mapped through JwtBearer's inbound map when the scheme maps inbound claims (<c>sub</c> becomes
/// <see cref="ClaimTypes.NameIdentifier"/>, keeping the short name as a property).
/// </summary>
internal static class TokenPrincipalFactory
{
    private const string DefaultAuthenticationType = "AuthenticationTypes.Federation";

    public static ClaimsIdentity CreateIdentity(
        TokenValidationOutcome answer,
        CachedSecurityToken token,
        TokenValidationParameters parameters,
        bool mapInboundClaims,
        string rawToken)
    {
        var issuer = answer.Issuer ?? ClaimsIdentity.DefaultIssuer;
        var nameType = parameters.NameClaimTypeRetriever?.Invoke(token, issuer) ?? parameters.NameClaimType;
        var roleType = parameters.RoleClaimTypeRetriever?.Invoke(token, issuer) ?? parameters.RoleClaimType;
        var identity = new CaseSensitiveClaimsIdentity(
            parameters.AuthenticationType ?? DefaultAuthenticationType,
            nameType,
            roleType);
        var map = JsonWebTokenHandler.DefaultInboundClaimTypeMap;
        foreach (var cached in answer.Claims)
        {
            if (mapInboundClaims && map.TryGetValue(cached.Type, out var mapped))
            {
                var claim = new Claim(mapped, cached.Value, cached.ValueType, issuer, issuer, identity);
                claim.Properties[JsonWebTokenHandler.ShortClaimTypeProperty] = cached.Type;
                identity.AddClaim(claim);
            }
            else
            {
                identity.AddClaim(new Claim(cached.Type, cached.Value, cached.ValueType, issuer, issuer, identity));
            }
        }

        if (parameters.SaveSigninToken)
        {
            identity.BootstrapContext = rawToken;
        }

        return identity;
    }
}
