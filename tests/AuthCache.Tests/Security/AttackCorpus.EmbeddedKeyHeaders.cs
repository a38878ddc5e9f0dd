using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace AuthCache.Tests.Security;

public static partial class AttackCorpus
{
    /// <summary>
    /// Tokens signed with the attacker's key that also carry that key, or where to get it: <c>jwk</c>, <c>jku</c>,
    /// <c>x5u</c> and <c>x5c</c>. The URLs point at the <see cref="RequestTrap"/>, which must never be asked: keys
    /// come only from the configured JWKS URI.
    /// </summary>
    private static IEnumerable<AttackCase> EmbeddedKeyHeaders(CorpusContext context)
    {
        const string section = "embedded key headers";
        var attacker = context.Fixture.AttackerKey;
        var trap = context.Fixture.Trap.JwksUrl;
        var jwk = RsaJwk(attacker);
        using var certificate = new CertificateRequest("CN=attacker", attacker.Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var x5c = JsonSerializer.Serialize(new[] { Convert.ToBase64String(certificate.RawData) });
        var x5t = Quote(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(SHA1.HashData(certificate.RawData)));
        var claims = context.Claims();
        var headers = new (string Name, string Header, string Reason)[]
        {
            ("jwk of the attacker's key, no kid", Header("RS256", extra: $",\"jwk\":{jwk}"), UnknownKey),
            ("jwk of the attacker's key with its kid", Header("RS256", attacker.KeyId, $",\"jwk\":{jwk}"), UnknownKey),
            ("jwk of the attacker's key under the issuer's kid", Header("RS256", "rsa-1", $",\"jwk\":{jwk}"), BadSignature),
            ("jku to the attacker's key set, no kid", Header("RS256", extra: $",\"jku\":{Quote(trap)}"), UnknownKey),
            ("jku to the attacker's key set with its kid", Header("RS256", attacker.KeyId, $",\"jku\":{Quote(trap)}"), UnknownKey),
            ("jku to the attacker's key set under the issuer's kid", Header("RS256", "rsa-1", $",\"jku\":{Quote(trap)}"), BadSignature),
            ("x5u to the attacker's certificate, no kid", Header("RS256", extra: $",\"x5u\":{Quote(trap)}"), UnknownKey),
            ("x5u to the attacker's certificate with its kid", Header("RS256", attacker.KeyId, $",\"x5u\":{Quote(trap)}"), UnknownKey),
            ("x5c with the attacker's self-signed certificate, no kid", Header("RS256", extra: $",\"x5c\":{x5c}"), UnknownKey),
            ("x5c with the attacker's certificate and its kid", Header("RS256", attacker.KeyId, $",\"x5c\":{x5c}"), UnknownKey),
            ("x5c and x5t of the attacker's certificate", Header("RS256", extra: $",\"x5c\":{x5c},\"x5t\":{x5t}"), UnknownKey),
            ("jwk, jku, x5u and x5c at once", Header("RS256", extra: $",\"jwk\":{jwk},\"jku\":{Quote(trap)},\"x5u\":{Quote(trap)},\"x5c\":{x5c}"), UnknownKey),
        };
        return headers.SelectMany(h => TokenCases(section, h.Name, RawToken.Sign(h.Header, claims, attacker), h.Reason)).ToArray();
    }
}
