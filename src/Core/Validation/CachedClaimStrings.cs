using System.Collections.Frozen;
using System.Security.Claims;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthCache.Core.Validation;

/// <summary>
/// Builds the claims a cached validation keeps, sharing the strings every token repeats (claim types, value types,
/// the configured issuer and authorized parties, the subject) instead of holding one parsed copy per token: with
/// hundreds of thousands of cached tokens per silo those copies are a large part of an entry. Only names from fixed
/// lists and configured values are shared, so a token cannot grow a shared table. A Clerk session token of version 2
/// also gets the organisation claims its compact <c>o</c> claim stands for (<see cref="ClerkOrganizationClaims"/>).
/// </summary>
internal static class CachedClaimStrings
{
    private static readonly FrozenDictionary<string, string> Known = new[]
    {
        JwtRegisteredClaimNames.Iss,
        JwtRegisteredClaimNames.Sub,
        JwtRegisteredClaimNames.Aud,
        JwtRegisteredClaimNames.Exp,
        JwtRegisteredClaimNames.Nbf,
        JwtRegisteredClaimNames.Iat,
        JwtRegisteredClaimNames.Jti,
        JwtRegisteredClaimNames.Azp,
        JwtRegisteredClaimNames.Sid,
        JwtRegisteredClaimNames.Email,
        JwtRegisteredClaimNames.Name,
        JwtRegisteredClaimNames.Nonce,
        "role",
        "roles",
        "scope",
        "org_id",
        "org_role",
        "org_slug",
        "org_permissions",
        "fva",
        "sts",
        "v",
        "pla",
        "fea",
        "metadata",
        ClaimValueTypes.String,
        ClaimValueTypes.Integer,
        ClaimValueTypes.Integer32,
        ClaimValueTypes.Integer64,
        ClaimValueTypes.Double,
        ClaimValueTypes.Boolean,
        ClaimValueTypes.DateTime,
        JsonClaimValueTypes.Json,
        JsonClaimValueTypes.JsonArray,
        JsonClaimValueTypes.JsonNull,
    }.Distinct(StringComparer.Ordinal).ToFrozenDictionary(s => s, s => s, StringComparer.Ordinal);

    /// <param name="claims">The validated token's claims, all of which are kept.</param>
    /// <param name="issuer">The token's issuer, whose configured name and authorized parties the claims share.</param>
    /// <param name="subject">The subject string already kept for the entry, which the <c>sub</c> claim shares.</param>
    /// <param name="unreadableOrganization">The reason code of a Clerk <c>o</c> claim that could not be read, else
    /// null.</param>
    public static TokenClaim[] From(
        IEnumerable<Claim> claims,
        IssuerOptions issuer,
        string? subject,
        out string? unreadableOrganization)
    {
        var kept = new List<TokenClaim>(8);
        foreach (var claim in claims)
        {
            kept.Add(new TokenClaim(Share(claim.Type), ShareValue(claim, issuer, subject), Share(claim.ValueType)));
        }

        unreadableOrganization = ClerkOrganizationClaims.AppendTo(kept);
        return kept.ToArray();
    }

    private static string Share(string value) => Known.TryGetValue(value, out var shared) ? shared : value;

    private static string ShareValue(Claim claim, IssuerOptions issuer, string? subject)
    {
        var value = claim.Value;
        switch (claim.Type)
        {
            case JwtRegisteredClaimNames.Iss when string.Equals(value, issuer.Issuer, StringComparison.Ordinal):
                return issuer.Issuer;
            case JwtRegisteredClaimNames.Sub when string.Equals(value, subject, StringComparison.Ordinal):
                return subject!;
            case JwtRegisteredClaimNames.Azp:
                foreach (var party in issuer.AuthorizedParties)
                {
                    if (string.Equals(value, party, StringComparison.Ordinal))
                    {
                        return party;
                    }
                }

                return value;
            default:
                return value;
        }
    }
}
