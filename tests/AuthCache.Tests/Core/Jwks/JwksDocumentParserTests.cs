using System.Security.Cryptography;
using System.Text.Json;
using AuthCache.Core.Jwks;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Core.Jwks;

public sealed class JwksDocumentParserTests
{
    private static object Rsa(string kid, int bits = 2048, string? use = "sig", string? alg = "RS256")
    {
        using var rsa = RSA.Create(bits);
        var p = rsa.ExportParameters(false);
        return new { kty = "RSA", kid, use, alg, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) };
    }

    private static object Ec(string kid, ECCurve curve, string crv, string? alg = null)
    {
        using var ec = ECDsa.Create(curve);
        var p = ec.ExportParameters(false);
        return new { kty = "EC", kid, use = "sig", alg, crv, x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y) };
    }

    [Fact]
    public void Only_supported_signing_keys_are_kept_and_malformed_ones_are_skipped_with_a_reason()
    {
        var json = JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                Rsa("rsa-good"),
                Rsa("rsa-no-use", use: null, alg: null),
                Ec("ec-good", ECCurve.NamedCurves.nistP256, "P-256"),
                Rsa("rsa-small", bits: 1024),
                Rsa("rsa-enc", use: "enc"),
                Rsa("rsa-ps", alg: "PS256"),
                Ec("ec-384", ECCurve.NamedCurves.nistP384, "P-384"),
                new { kty = "oct", kid = "hmac", k = "c2VjcmV0" },
                new { kty = "RSA", kid = "rsa-broken", n = "!!!", e = "AQAB" },
                new { kty = "EC", kid = "ec-off-curve", crv = "P-256", x = Base64UrlEncoder.Encode(new byte[32]), y = Base64UrlEncoder.Encode(new byte[32]) },
                new { kty = "RSA", n = "abc", e = "AQAB" },
            },
        });

        var keys = JwksDocumentParser.Parse(json, out var skipped);

        Assert.Equal(["rsa-good", "rsa-no-use", "ec-good", "rsa-ps", "ec-384"], keys.Select(k => k.Kid));
        Assert.Equal(6, skipped.Count);
        Assert.Contains(skipped, s => s.StartsWith("rsa-small:", StringComparison.Ordinal) && s.Contains("2048"));
        Assert.Contains(skipped, s => s.StartsWith("hmac:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("RS512")]
    [InlineData("PS256")]
    [InlineData("PS384")]
    [InlineData("PS512")]
    [InlineData(null)]
    public void RSA_keys_of_2048_bits_are_kept_with_any_RSA_algorithm_or_none(string? alg)
    {
        var keys = JwksDocumentParser.Parse(JsonSerializer.Serialize(new { keys = new[] { Rsa("rsa", alg: alg) } }), out var skipped);

        Assert.Empty(skipped);
        Assert.Equal(alg, Assert.Single(keys).Alg);
    }

    [Theory]
    [InlineData("P-256", "ES256")]
    [InlineData("P-384", "ES384")]
    [InlineData("P-521", "ES512")]
    [InlineData("P-384", null)]
    public void EC_keys_are_kept_on_each_curve_with_its_algorithm_or_none(string crv, string? alg)
    {
        var keys = JwksDocumentParser.Parse(JsonSerializer.Serialize(new { keys = new[] { Ec("ec", Curve(crv), crv, alg) } }), out var skipped);

        Assert.Empty(skipped);
        Assert.Equal(crv, Assert.Single(keys).Crv);
    }

    [Theory]
    [InlineData("RSA", null, "ES256", "alg 'ES256' is not RS256, RS384, RS512, PS256, PS384 or PS512")]
    [InlineData("RSA", null, "HS256", "alg 'HS256' is not RS256")]
    [InlineData("RSA", null, "none", "alg 'none' is not RS256")]
    [InlineData("RSA", null, "rs256", "alg 'rs256' is not RS256")]
    [InlineData("EC", "P-256", "ES384", "alg 'ES384' is not ES256, the algorithm of P-256")]
    [InlineData("EC", "P-384", "ES256", "alg 'ES256' is not ES384, the algorithm of P-384")]
    [InlineData("EC", "P-521", "ES384", "alg 'ES384' is not ES512, the algorithm of P-521")]
    [InlineData("EC", "P-256", "RS256", "alg 'RS256' is not ES256")]
    [InlineData("EC", "secp256k1", null, "curve 'secp256k1' is not P-256, P-384 or P-521")]
    public void A_key_whose_alg_its_type_or_curve_cannot_sign_is_skipped_and_says_why(string kty, string? crv, string? alg, string reason)
    {
        var key = kty == "RSA" ? Rsa("bad", alg: alg) : Ec("bad", Curve(crv == "secp256k1" ? "P-256" : crv!), crv!, alg);

        var keys = JwksDocumentParser.Parse(JsonSerializer.Serialize(new { keys = new[] { key } }), out var skipped);

        Assert.Empty(keys);
        Assert.StartsWith("bad: " + reason, Assert.Single(skipped), StringComparison.Ordinal);
    }

    [Fact]
    public void A_1024_bit_RSA_modulus_padded_with_zero_bytes_to_256_bytes_is_still_refused_as_too_short()
    {
        using var rsa = RSA.Create(1024);
        var p = rsa.ExportParameters(false);
        var padded = Base64UrlEncoder.Encode([.. new byte[128], .. p.Modulus!]);
        var json = JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = "padded", alg = "RS256", n = padded, e = Base64UrlEncoder.Encode(p.Exponent) } } });

        var keys = JwksDocumentParser.Parse(json, out var skipped);

        Assert.Empty(keys);
        Assert.Equal("padded: RSA key shorter than 2048 bits", Assert.Single(skipped));
    }

    [Fact]
    public void An_EC_point_of_another_curve_is_refused()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p = ec.ExportParameters(false);
        var json = JsonSerializer.Serialize(new { keys = new[] { new { kty = "EC", kid = "moved", crv = "P-384", x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.X) } } });

        Assert.Empty(JwksDocumentParser.Parse(json, out var skipped));
        Assert.Equal("moved: EC point is not on P-384", Assert.Single(skipped));
    }

    private static ECCurve Curve(string crv) => crv switch
    {
        "P-256" => ECCurve.NamedCurves.nistP256,
        "P-384" => ECCurve.NamedCurves.nistP384,
        _ => ECCurve.NamedCurves.nistP521,
    };

    [Theory]
    [InlineData("<html>nope</html>")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    public void A_document_that_is_not_a_key_set_is_refused(string body)
    {
        Assert.ThrowsAny<ArgumentException>(() => JwksDocumentParser.Parse(body, out _));
    }
}
