using System.Security.Cryptography;
using System.Text.Json;
using AuthCache.Core.Jwks;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Validation;

public sealed class JwksDocumentParserTests
{
    private static object Rsa(string kid, int bits = 2048, string? use = "sig", string? alg = "RS256")
    {
        using var rsa = RSA.Create(bits);
        var p = rsa.ExportParameters(false);
        return new { kty = "RSA", kid, use, alg, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) };
    }

    private static object Ec(string kid, ECCurve curve, string crv)
    {
        using var ec = ECDsa.Create(curve);
        var p = ec.ExportParameters(false);
        return new { kty = "EC", kid, use = "sig", crv, x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y) };
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

        Assert.Equal(["rsa-good", "rsa-no-use", "ec-good"], keys.Select(k => k.Kid));
        Assert.Equal(8, skipped.Count);
        Assert.Contains(skipped, s => s.StartsWith("rsa-small:", StringComparison.Ordinal) && s.Contains("2048"));
        Assert.Contains(skipped, s => s.StartsWith("hmac:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<html>nope</html>")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    public void A_document_that_is_not_a_key_set_is_refused(string body)
    {
        Assert.ThrowsAny<ArgumentException>(() => JwksDocumentParser.Parse(body, out _));
    }
}
