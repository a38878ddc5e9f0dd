using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

/// <summary>
/// Keys for every algorithm AuthCache verifies, published as JWKs with the <c>alg</c>, curve and size a test needs,
/// and signing with any of them under any algorithm (also the ones a key must not be used with).
/// </summary>
public static class AlgorithmKeys
{
    public static readonly string[] All = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>The key id of the key published for <paramref name="algorithm"/> alone.</summary>
    public static string KeyIdFor(string algorithm) => "key-" + algorithm;

    /// <summary>A new key of the type and curve <paramref name="algorithm"/> needs (RSA 2048 bits for RS* and PS*).</summary>
    public static AsymmetricSecurityKey CreateFor(string algorithm, string kid) => algorithm[..2] switch
    {
        "ES" => new ECDsaSecurityKey(ECDsa.Create(CurveFor(algorithm))) { KeyId = kid },
        _ => new RsaSecurityKey(RSA.Create(2048)) { KeyId = kid },
    };

    private static ECCurve CurveFor(string algorithm) => algorithm switch
    {
        "ES256" => ECCurve.NamedCurves.nistP256,
        "ES384" => ECCurve.NamedCurves.nistP384,
        _ => ECCurve.NamedCurves.nistP521,
    };

    /// <summary>The public JWK of <paramref name="key"/> with <paramref name="alg"/> (none when null) and <c>use: sig</c>.</summary>
    public static JsonWebKey Jwk(AsymmetricSecurityKey key, string? alg)
    {
        var jwk = key switch
        {
            RsaSecurityKey rsa => JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.Rsa.ExportParameters(false))),
            ECDsaSecurityKey ec => JsonWebKeyConverter.ConvertFromECDsaSecurityKey(ec),
            _ => throw new NotSupportedException(key.GetType().Name),
        };
        return new JsonWebKey { Kty = jwk.Kty, Kid = key.KeyId, Use = "sig", Alg = alg, N = jwk.N, E = jwk.E, Crv = jwk.Crv, X = jwk.X, Y = jwk.Y };
    }

    /// <summary>An RSA JWK whose modulus is written with leading zero bytes up to <paramref name="bytes"/>: no stronger for it.</summary>
    public static JsonWebKey PaddedRsaJwk(RsaSecurityKey key, int bytes)
    {
        var jwk = Jwk(key, "RS256");
        var modulus = Base64UrlEncoder.DecodeBytes(jwk.N);
        jwk.N = Base64UrlEncoder.Encode([.. new byte[bytes - modulus.Length], .. modulus]);
        return jwk;
    }

    /// <summary>The signature <paramref name="algorithm"/> would make with <paramref name="key"/> (JWS forms: PKCS#1 v1.5, PSS, ECDSA r||s).</summary>
    public static byte[] Sign(string algorithm, SecurityKey key, byte[] data)
    {
        var hash = algorithm[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        };
        return (algorithm[..2], key) switch
        {
            ("RS", RsaSecurityKey rsa) => rsa.Rsa.SignData(data, hash, RSASignaturePadding.Pkcs1),
            ("PS", RsaSecurityKey rsa) => rsa.Rsa.SignData(data, hash, RSASignaturePadding.Pss),
            ("ES", ECDsaSecurityKey ec) => ec.ECDsa.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            ("HS", _) => throw new NotSupportedException("HMAC tokens are forged with their secret"),
            _ => throw new NotSupportedException($"{algorithm} with {key.GetType().Name}"),
        };
    }

    /// <summary>A token whose header says <paramref name="headerAlgorithm"/> and names <paramref name="kid"/>, signed as <paramref name="signingAlgorithm"/> by <paramref name="key"/>.</summary>
    public static string Token(string headerAlgorithm, string? kid, string claimsJson, SecurityKey key, string? signingAlgorithm = null)
    {
        var header = kid is null
            ? $$"""{"alg":"{{headerAlgorithm}}","typ":"JWT"}"""
            : $$"""{"alg":"{{headerAlgorithm}}","kid":"{{kid}}","typ":"JWT"}""";
        return RawToken.Forge(header, claimsJson, data => Sign(signingAlgorithm ?? headerAlgorithm, key, data));
    }

    public static byte[] PublicKeyPem(AsymmetricSecurityKey key) => Encoding.ASCII.GetBytes(key switch
    {
        RsaSecurityKey rsa => rsa.Rsa.ExportSubjectPublicKeyInfoPem(),
        ECDsaSecurityKey ec => ec.ECDsa.ExportSubjectPublicKeyInfoPem(),
        _ => throw new NotSupportedException(key.GetType().Name),
    });
}
