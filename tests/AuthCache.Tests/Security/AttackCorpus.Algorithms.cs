using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

public static partial class AttackCorpus
{
    /// <summary>
    /// Every algorithm against keys that must not verify it: a header whose algorithm differs from the named key's
    /// <c>alg</c> (signed by that very key under the header's algorithm, so only the key's rule refuses it), RSA keys
    /// named by ES headers and the reverse, ES algorithms on the wrong curve, an RSA key without <c>alg</c> used for
    /// PSS while its issuer pins nothing, 1024-bit RSA keys (also padded to look like 2048 bits), HMAC and <c>none</c>,
    /// and algorithms outside what an issuer accepts (its pins, or its keys' algorithms).
    /// </summary>
    private static IEnumerable<AttackCase> Algorithms(CorpusContext context)
    {
        const string section = "algorithms and keys";
        var fixture = context.Fixture;
        var keys = fixture.KeyByAlgorithm;
        var claims = context.Claims(fixture.Algorithms.Issuer);
        var pinnedClaims = context.Claims(fixture.Pinned.Issuer);
        var secondaryClaims = context.Claims(context.SecondaryIssuer);
        string Kid(string algorithm) => AlgorithmKeys.KeyIdFor(algorithm);
        var stranger = AlgorithmKeys.CreateFor("ES256", "stranger-ec");
        var cases = new (string Name, string Token, string Reason)[]
        {
            ("RS384 header naming the RS256 key, signed RS384 by it", AlgorithmKeys.Token("RS384", Kid("RS256"), claims, keys["RS256"]), BadSignature),
            ("RS512 header naming the RS384 key, signed RS512 by it", AlgorithmKeys.Token("RS512", Kid("RS384"), claims, keys["RS384"]), BadSignature),
            ("PS256 header naming the RS256 key, a PSS signature by it", AlgorithmKeys.Token("PS256", Kid("RS256"), claims, keys["RS256"]), BadSignature),
            ("RS256 header naming the PS256 key, a PKCS#1 signature by it", AlgorithmKeys.Token("RS256", Kid("PS256"), claims, keys["PS256"]), BadSignature),
            ("PS512 header naming the PS384 key, signed PS512 by it", AlgorithmKeys.Token("PS512", Kid("PS384"), claims, keys["PS384"]), BadSignature),
            ("ES256 header naming the RS256 key", AlgorithmKeys.Token("ES256", Kid("RS256"), claims, stranger), BadSignature),
            ("ES512 header naming the PS512 key", AlgorithmKeys.Token("ES512", Kid("PS512"), claims, AlgorithmKeys.CreateFor("ES512", "stranger-p521")), BadSignature),
            ("RS256 header naming the ES256 key", AlgorithmKeys.Token("RS256", Kid("ES256"), claims, fixture.AttackerKey), BadSignature),
            ("PS384 header naming the ES384 key", AlgorithmKeys.Token("PS384", Kid("ES384"), claims, fixture.AttackerKey), BadSignature),
            ("ES384 header naming the P-256 key, signed with SHA-384 by it", AlgorithmKeys.Token("ES384", Kid("ES256"), claims, keys["ES256"]), BadSignature),
            ("ES512 header naming the P-256 key, signed with SHA-512 by it", AlgorithmKeys.Token("ES512", Kid("ES256"), claims, keys["ES256"]), BadSignature),
            ("ES256 header naming the P-384 key, signed with SHA-256 by it", AlgorithmKeys.Token("ES256", Kid("ES384"), claims, keys["ES384"]), BadSignature),
            ("ES384 header naming the P-521 key, signed with SHA-384 by it", AlgorithmKeys.Token("ES384", Kid("ES512"), claims, keys["ES512"]), BadSignature),
            ("ES512 header naming the P-384 key without alg, signed with SHA-512 by it", AlgorithmKeys.Token("ES512", fixture.P384WithoutAlg.KeyId, claims, fixture.P384WithoutAlg), BadSignature),
            ("PS256 header naming the RSA key without alg of an issuer that pins nothing, a PSS signature by it", AlgorithmKeys.Token("PS256", fixture.RsaWithoutAlg.KeyId, claims, fixture.RsaWithoutAlg), BadSignature),
            ("RS256 signed by the 1024-bit key the issuer publishes", AlgorithmKeys.Token("RS256", fixture.Rsa1024.KeyId, claims, fixture.Rsa1024), UnknownKey),
            ("RS256 signed by a 1024-bit key published padded to 256 bytes", AlgorithmKeys.Token("RS256", fixture.Rsa1024Padded.KeyId, claims, fixture.Rsa1024Padded), UnknownKey),
            ("HS256 keyed with the PS512 key's PEM", RawToken.Forge(Header("HS256", Kid("PS512")), claims, input => HMACSHA256.HashData(AlgorithmKeys.PublicKeyPem(keys["PS512"]), input)), AlgNotAllowed),
            ("HS384 keyed with the P-384 key's PEM", RawToken.Forge(Header("HS384", Kid("ES384")), claims, input => HMACSHA384.HashData(AlgorithmKeys.PublicKeyPem(keys["ES384"]), input)), AlgNotAllowed),
            ("HS512 keyed with the P-521 key's PEM", RawToken.Forge(Header("HS512", Kid("ES512")), claims, input => HMACSHA512.HashData(AlgorithmKeys.PublicKeyPem(keys["ES512"]), input)), AlgNotAllowed),
            ("alg none naming the RS512 key", RawToken.WithSignature(Header("none", Kid("RS512")), claims, ""), AlgNotAllowed),
            ("EdDSA, which no issuer is verified with", RawToken.Forge(Header("EdDSA", Kid("ES256")), claims, _ => new byte[64]), AlgNotAllowed),
            ("lower-case ps256", AlgorithmKeys.Token("ps256", Kid("PS256"), claims, keys["PS256"], signingAlgorithm: "PS256"), AlgNotAllowed),
            ("RS384 outside the pinned PS256 and RS256, signed by the key without alg", AlgorithmKeys.Token("RS384", fixture.PinnedWithoutAlg.KeyId, pinnedClaims, fixture.PinnedWithoutAlg), AlgNotAllowed),
            ("PS512 outside the pinned PS256 and RS256, signed by the key without alg", AlgorithmKeys.Token("PS512", fixture.PinnedWithoutAlg.KeyId, pinnedClaims, fixture.PinnedWithoutAlg), AlgNotAllowed),
            ("ES256 outside the pinned PS256 and RS256", AlgorithmKeys.Token("ES256", fixture.PinnedRs256.KeyId, pinnedClaims, stranger), AlgNotAllowed),
            ("PS256, pinned, naming the key whose alg is RS256, a PSS signature by it", AlgorithmKeys.Token("PS256", fixture.PinnedRs256.KeyId, pinnedClaims, fixture.PinnedRs256), BadSignature),
            ("RS256 to the issuer whose only key is ES256", AlgorithmKeys.Token("RS256", SecurityApiFixture.SecondaryKeyId, secondaryClaims, fixture.AttackerKey), AlgNotAllowed),
            ("ES384 to the issuer whose only key is ES256", AlgorithmKeys.Token("ES384", SecurityApiFixture.SecondaryKeyId, secondaryClaims, AlgorithmKeys.CreateFor("ES384", "stranger-p384")), AlgNotAllowed),
            ("PS256 to the issuer whose keys are RS256 and ES256, signed by its RSA key", AlgorithmKeys.Token("PS256", "rsa-1", context.Claims(), context.Fixture.Primary.Rsa), AlgNotAllowed),
        };
        return cases.SelectMany(c => TokenCases(section, c.Name, c.Token, c.Reason)).ToArray();
    }
}
