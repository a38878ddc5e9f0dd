using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

public static partial class AttackCorpus
{
    /// <summary>
    /// <c>alg: none</c> in every letter case, and HMAC tokens keyed with the issuer's public key in the forms a
    /// confused verifier might use as a secret (PEM, JWK, the key set), so only a verifier that treats a public key as
    /// an HMAC secret would accept them.
    /// </summary>
    private static IEnumerable<AttackCase> AlgorithmConfusion(CorpusContext context)
    {
        const string section = "algorithm confusion";
        var claims = context.Claims();
        var cases = new List<AttackCase>();
        foreach (var none in EveryLetterCase("none"))
        {
            cases.AddRange(TokenCases(section, $"alg {none}, unsigned", RawToken.WithSignature(Header(none), claims, ""), AlgNotAllowed));
        }

        var realSignature = context.Fixture.Primary.CreateToken("user_attack").Split('.')[2];
        foreach (var none in new[] { "none", "NONE" })
        {
            cases.AddRange(TokenCases(section, $"alg {none} with a real signature", RawToken.WithSignature(Header(none, "rsa-1"), claims, realSignature), AlgNotAllowed));
        }

        var rsa = context.Fixture.Primary.Rsa.Rsa;
        var ec = context.Fixture.Primary.Ec.ECDsa;
        var secrets = new (string Form, byte[] Key, string Kid)[]
        {
            ("the RSA public key as SPKI PEM", Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()), "rsa-1"),
            ("the RSA public key as SPKI PEM with a final newline", Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem() + "\n"), "rsa-1"),
            ("the RSA public key as PKCS#1 PEM", Encoding.ASCII.GetBytes(rsa.ExportRSAPublicKeyPem()), "rsa-1"),
            ("the RSA public key as DER", rsa.ExportSubjectPublicKeyInfo(), "rsa-1"),
            ("the RSA public key as its JWK", Encoding.UTF8.GetBytes(RsaJwk(context.Fixture.Primary.Rsa)), "rsa-1"),
            ("the RSA modulus", rsa.ExportParameters(false).Modulus!, "rsa-1"),
            ("the EC public key as SPKI PEM", Encoding.ASCII.GetBytes(ec.ExportSubjectPublicKeyInfoPem()), "ec-1"),
            ("the EC public key as its JWK", Encoding.UTF8.GetBytes(EcJwk(context.Fixture.Primary.Ec)), "ec-1"),
        };
        foreach (var (form, key, kid) in secrets)
        {
            cases.AddRange(TokenCases(section, $"HS256 keyed with {form}", RawToken.Forge(Header("HS256", kid), claims, input => HMACSHA256.HashData(key, input)), AlgNotAllowed));
        }

        var pem = Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem());
        var confused = new (string Name, string Token, string Reason)[]
        {
            ("HS384 keyed with the RSA public key PEM", RawToken.Forge(Header("HS384", "rsa-1"), claims, input => HMACSHA384.HashData(pem, input)), AlgNotAllowed),
            ("HS512 keyed with the RSA public key PEM", RawToken.Forge(Header("HS512", "rsa-1"), claims, input => HMACSHA512.HashData(pem, input)), AlgNotAllowed),
            ("HS256 without a key id, keyed with the PEM", RawToken.Forge(Header("HS256"), claims, input => HMACSHA256.HashData(pem, input)), AlgNotAllowed),
            ("RS256 header over an HMAC keyed with the PEM", RawToken.Forge(Header("RS256", "rsa-1"), claims, input => HMACSHA256.HashData(pem, input)), BadSignature),
            ("ES256 header over an HMAC keyed with the EC PEM", RawToken.Forge(Header("ES256", "ec-1"), claims, input => HMACSHA256.HashData(Encoding.ASCII.GetBytes(ec.ExportSubjectPublicKeyInfoPem()), input)), BadSignature),
            ("PS256 signed by a stranger", RawToken.Forge(Header("PS256", "rsa-1"), claims, input => context.Fixture.AttackerKey.Rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)), AlgNotAllowed),
            ("RS256 header naming the EC key, signed by a stranger", RawToken.Sign(Header("RS256", "ec-1"), claims, context.Fixture.AttackerKey), BadSignature),
        };
        foreach (var (name, forged, reason) in confused)
        {
            cases.AddRange(TokenCases(section, name, forged, reason));
        }

        return cases;
    }

    private static IEnumerable<string> EveryLetterCase(string word) =>
        Enumerable.Range(0, 1 << word.Length).Select(mask =>
            new string(word.Select((c, i) => (mask & (1 << i)) != 0 ? char.ToUpperInvariant(c) : c).ToArray()));

    private static string RsaJwk(RsaSecurityKey key)
    {
        var parameters = key.Rsa.ExportParameters(false);
        return JsonSerializer.Serialize(new { kty = "RSA", kid = key.KeyId, use = "sig", alg = "RS256", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) });
    }

    private static string EcJwk(ECDsaSecurityKey key)
    {
        var parameters = key.ECDsa.ExportParameters(false);
        return JsonSerializer.Serialize(new { kty = "EC", kid = key.KeyId, use = "sig", alg = "ES256", crv = "P-256", x = Base64UrlEncoder.Encode(parameters.Q.X), y = Base64UrlEncoder.Encode(parameters.Q.Y) });
    }
}
