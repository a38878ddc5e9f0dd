using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

public static partial class AttackCorpus
{
    /// <summary>The order n of P-256: r or s equal to 0 or n makes the ECDSA equation degenerate.</summary>
    private static readonly byte[] P256Order = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

    /// <summary>
    /// CVE-2022-21449: ECDSA signatures with r = s = 0 (and the other degenerate values), which a verifier that skips
    /// the range check 1 ≤ r, s &lt; n accepts for any message and key, sent to the ES256-only issuer and to the EC key
    /// of the other.
    /// </summary>
    private static IEnumerable<AttackCase> PsychicSignatures(CorpusContext context)
    {
        const string section = "psychic ECDSA signatures";
        var secondaryClaims = context.Claims(context.SecondaryIssuer);
        var primaryClaims = context.Claims();
        var kid = SecurityApiFixture.SecondaryKeyId;
        var signatures = new (string Name, byte[] Signature)[]
        {
            ("r = s = 0", new byte[64]),
            ("r = s = n", [.. P256Order, .. P256Order]),
            ("r = 0, s = 1", [.. new byte[32], .. Scalar(1)]),
            ("r = 1, s = 0", [.. Scalar(1), .. new byte[32]]),
            ("r = s = 0 as DER", [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]),
            ("a single zero byte", [0x00]),
        };
        var cases = signatures
            .SelectMany(s => TokenCases(section, $"{s.Name}, ES256-only issuer", RawToken.Forge(Header("ES256", kid), secondaryClaims, _ => s.Signature), BadSignature))
            .ToList();
        cases.AddRange(TokenCases(section, "r = s = 0, ES256-only issuer, no kid", RawToken.Forge(Header("ES256"), secondaryClaims, _ => new byte[64]), UnknownKey));
        cases.AddRange(TokenCases(section, "r = s = 0, the EC key of the RSA and EC issuer", RawToken.Forge(Header("ES256", "ec-1"), primaryClaims, _ => new byte[64]), BadSignature));
        return cases;
    }

    /// <summary>
    /// ES256 signatures made by the issuers' real keys but in DER (what .NET and OpenSSL produce by default) instead
    /// of JWS's fixed r||s: the same signature in two spellings would be two cache keys for one token, so only the
    /// JWS form is valid.
    /// </summary>
    private static IEnumerable<AttackCase> DerEncodedSignatures(CorpusContext context)
    {
        const string section = "DER-encoded ES256 signatures";
        var fixture = context.Fixture;
        var secondaryHeader = Header("ES256", SecurityApiFixture.SecondaryKeyId);
        var secondaryClaims = context.Claims(context.SecondaryIssuer);
        var rawSignature = Base64UrlEncoder.DecodeBytes(RawToken.Sign(secondaryHeader, secondaryClaims, fixture.SecondaryKey).Split('.')[2]);
        var tokens = new (string Name, string Token)[]
        {
            ("ES256-only issuer, DER", RawToken.Sign(secondaryHeader, secondaryClaims, fixture.SecondaryKey, DSASignatureFormat.Rfc3279DerSequence)),
            ("EC key of the RSA and EC issuer, DER", RawToken.Sign(Header("ES256", "ec-1"), context.Claims(), fixture.Primary.Ec, DSASignatureFormat.Rfc3279DerSequence)),
            ("r||s with a trailing zero byte", RawToken.Forge(secondaryHeader, secondaryClaims, _ => [.. rawSignature, 0x00])),
            ("r||s with a leading zero byte", RawToken.Forge(secondaryHeader, secondaryClaims, _ => [0x00, .. rawSignature])),
            ("r||s cut to 63 bytes", RawToken.Forge(secondaryHeader, secondaryClaims, _ => rawSignature[..63])),
        };
        return tokens.SelectMany(t => TokenCases(section, t.Name, t.Token, BadSignature)).ToArray();
    }

    private static byte[] Scalar(byte value)
    {
        var scalar = new byte[32];
        scalar[^1] = value;
        return scalar;
    }
}
