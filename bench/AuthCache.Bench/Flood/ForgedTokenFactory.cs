using System.Diagnostics;
using System.Security.Cryptography;
using AuthCache.Bench.Issuer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Bench.Flood;

/// <summary>
/// Forged session tokens an attacker can make without the issuer's private key: the issuer's <c>iss</c>, its RSA
/// key's <c>kid</c> and RS256 in the header, Clerk's claims with a random subject, session and <c>jti</c>, valid
/// times, and a signature by a key of the attacker's own (2048-bit, so the signature has the issuer's length).
/// Every token passes the precheck and differs from every other, so none can be answered from a cache.
/// </summary>
public sealed class ForgedTokenFactory(string issuer, string keyId)
{
    private static readonly JsonWebTokenHandler Handler = new();

    private readonly SigningCredentials _foreignKey = new(new RsaSecurityKey(RSA.Create(2048)) { KeyId = keyId }, SecurityAlgorithms.RsaSha256);

    public static ForgedTokenFactory For(FakeClerkIssuer issuer) => new(issuer.Issuer, issuer.RsaKey.KeyId);

    /// <summary>Signs <paramref name="count"/> distinct tokens on every core, before any is sent, so the signing cost stays out of the measured windows.</summary>
    public ForgedTokenPool Mint(int count, TimeSpan lifetime)
    {
        var clock = Stopwatch.StartNew();
        var issuedAt = DateTime.UtcNow;
        var tokens = new string[count];
        Parallel.For(0, count, i => tokens[i] = Create(issuedAt, lifetime));
        return new ForgedTokenPool(tokens, clock.Elapsed);
    }

    private string Create(DateTime issuedAt, TimeSpan lifetime) => Handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Claims = new Dictionary<string, object>
        {
            ["sub"] = "user_" + RandomId(),
            ["sid"] = "sess_" + RandomId(),
            ["jti"] = RandomId(),
            ["azp"] = FakeClerkIssuer.AuthorizedParty,
        },
        IssuedAt = issuedAt,
        NotBefore = issuedAt,
        Expires = issuedAt + lifetime,
        SigningCredentials = _foreignKey,
    });

    private static string RandomId() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));
}
