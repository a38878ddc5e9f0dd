using AuthCache.Bench.Issuer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Bench.Tokens;

/// <summary>
/// Mints session tokens shaped like Clerk's: header alg/kid/typ, claims sub, sid, iss, exp, iat, nbf, azp.
/// </summary>
public sealed class ClerkTokenFactory(string issuer, SecurityKey signingKey)
{
    private static readonly JsonWebTokenHandler Handler = new();

    private readonly SigningCredentials _credentials = new(
        signingKey,
        signingKey is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256);

    public string Create(int user, int session, DateTime issuedAt, TimeSpan lifetime) => Handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Claims = new Dictionary<string, object>
        {
            ["sub"] = ClerkTokenIdentities.UserId(user),
            ["sid"] = ClerkTokenIdentities.SessionId(user, session),
            ["azp"] = FakeClerkIssuer.AuthorizedParty,
        },
        IssuedAt = issuedAt,
        NotBefore = issuedAt,
        Expires = issuedAt + lifetime,
        SigningCredentials = _credentials,
    });
}
