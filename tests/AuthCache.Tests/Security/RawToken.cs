using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

/// <summary>
/// Tokens written from raw JSON text, so a test can put in them what no token library writes (duplicate member
/// names, claims of the wrong JSON type, odd headers), signed with whatever key and encoding the attack needs.
/// </summary>
public static class RawToken
{
    public static string Segment(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    /// <summary>Signed with <paramref name="key"/> as RS256 (RSA) or ES256 (EC, in the JWS form r||s unless told otherwise).</summary>
    public static string Sign(string headerJson, string payloadJson, SecurityKey key, DSASignatureFormat ecFormat = DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
    {
        var signingInput = Segment(headerJson) + "." + Segment(payloadJson);
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = key switch
        {
            RsaSecurityKey rsa => rsa.Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsaSecurityKey ec => ec.ECDsa.SignData(data, HashAlgorithmName.SHA256, ecFormat),
            _ => throw new NotSupportedException(key.GetType().Name),
        };
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>Signed by <paramref name="sign"/> over the signing input (an HMAC, a psychic signature, …).</summary>
    public static string Forge(string headerJson, string payloadJson, Func<byte[], byte[]> sign)
    {
        var signingInput = Segment(headerJson) + "." + Segment(payloadJson);
        return signingInput + "." + Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <summary>With a fixed signature segment (empty for the unsecured form).</summary>
    public static string WithSignature(string headerJson, string payloadJson, string signatureSegment) =>
        Segment(headerJson) + "." + Segment(payloadJson) + "." + signatureSegment;
}
