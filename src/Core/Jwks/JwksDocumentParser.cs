using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Core.Jwks;

/// <summary>
/// Reads a JWKS document with IdentityModel's <see cref="JsonWebKeySet"/> and keeps only keys we can verify
/// with: RSA (2048 bits or more) and EC P-256, P-384 or P-521, <c>use</c> absent or <c>sig</c>, with a <c>kid</c>,
/// and an <c>alg</c>, when present, that the key's type and curve can sign (<see cref="SigningAlgorithms"/>).
/// </summary>
internal static class JwksDocumentParser
{
    private const int MinimumRsaModulusBits = 2048;

    /// <param name="json">The issuer's JWKS document.</param>
    /// <param name="skipped">Why each rejected key was skipped (kid and reason, no key material).</param>
    /// <exception cref="ArgumentException">The document is not a JWKS.</exception>
    public static IReadOnlyList<SigningKeyMaterial> Parse(string json, out IReadOnlyList<string> skipped)
    {
        var set = new JsonWebKeySet(json);
        var keys = new List<SigningKeyMaterial>();
        var rejected = new List<string>();
        foreach (var key in set.Keys)
        {
            var reason = Check(key);
            if (reason is null)
            {
                keys.Add(
                    new SigningKeyMaterial(
                        key.Kid,
                        key.Kty,
                        NullIfEmpty(key.Alg),
                        NullIfEmpty(key.N),
                        NullIfEmpty(key.E),
                        NullIfEmpty(key.Crv),
                        NullIfEmpty(key.X),
                        NullIfEmpty(key.Y)));
            }
            else
            {
                rejected.Add($"{Describe(key.Kid)}: {reason}");
            }
        }

        skipped = rejected;
        return keys;
    }

    private static string? Check(JsonWebKey key)
    {
        if (string.IsNullOrEmpty(key.Kid) || key.Kid.Length > 256)
        {
            return "missing or oversized kid";
        }

        if (!string.IsNullOrEmpty(key.Use) && key.Use != JsonWebKeyUseNames.Sig)
        {
            return $"use '{key.Use}' is not sig";
        }

        return key.Kty switch
        {
            JsonWebAlgorithmsKeyTypes.RSA => CheckAlgorithm(key, "RS256, RS384, RS512, PS256, PS384 or PS512")
                ?? CheckRsa(key),
            JsonWebAlgorithmsKeyTypes.EllipticCurve => CheckEc(key),
            _ => $"unsupported key type '{key.Kty}'",
        };
    }

    /// <summary>
    /// A key whose <c>alg</c> its type cannot sign would be a key no token may use: refused, and said so.
    /// </summary>
    private static string? CheckAlgorithm(JsonWebKey key, string fitting)
    {
        var material = new SigningKeyMaterial(
            key.Kid,
            key.Kty,
            NullIfEmpty(key.Alg),
            null,
            null,
            NullIfEmpty(key.Crv),
            null,
            null);
        return material.Alg is null || SigningAlgorithms.Compatible(material) != SigningAlgorithms.None
            ? null
            : $"alg '{key.Alg}' is not {fitting}";
    }

    private static string? CheckRsa(JsonWebKey key)
    {
        var modulus = TryDecode(key.N);
        var exponent = TryDecode(key.E);
        if (modulus is null || exponent is null || exponent.Length == 0)
        {
            return "RSA key without a valid n or e";
        }

        // Leading zero bytes add no strength: a 1024-bit modulus padded to 256 bytes is still 1024 bits.
        return ModulusBits(modulus) < MinimumRsaModulusBits
            ? $"RSA key shorter than {MinimumRsaModulusBits} bits"
            : null;
    }

    private static string? CheckEc(JsonWebKey key)
    {
        var (curve, coordinateBytes, algorithm) = key.Crv switch
        {
            JsonWebKeyECTypes.P256 => (
                System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
                32,
                SecurityAlgorithms.EcdsaSha256),
            JsonWebKeyECTypes.P384 => (
                System.Security.Cryptography.ECCurve.NamedCurves.nistP384,
                48,
                SecurityAlgorithms.EcdsaSha384),
            JsonWebKeyECTypes.P521 => (
                System.Security.Cryptography.ECCurve.NamedCurves.nistP521,
                66,
                SecurityAlgorithms.EcdsaSha512),
            _ => (default(System.Security.Cryptography.ECCurve), 0, null),
        };
        if (algorithm is null)
        {
            return $"curve '{key.Crv}' is not P-256, P-384 or P-521";
        }

        if (CheckAlgorithm(key, $"{algorithm}, the algorithm of {key.Crv}") is { } wrongAlgorithm)
        {
            return wrongAlgorithm;
        }

        var x = TryDecode(key.X);
        var y = TryDecode(key.Y);
        if (x?.Length != coordinateBytes || y?.Length != coordinateBytes)
        {
            return "EC key without valid x and y";
        }

        try
        {
            using var ecdsa = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
            {
                Curve = curve,
                Q = new System.Security.Cryptography.ECPoint { X = x, Y = y },
            });
            return null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return $"EC point is not on {key.Crv}";
        }
    }

    private static int ModulusBits(byte[] modulus)
    {
        var first = Array.FindIndex(modulus, b => b != 0);
        return first < 0
            ? 0
            : ((modulus.Length - first - 1) * 8)
                + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)modulus[first]));
    }

    private static byte[]? TryDecode(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            return Base64UrlEncoder.DecodeBytes(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Describe(string? kid) =>
        string.IsNullOrEmpty(kid) ? "(no kid)" : kid.Length > 64 ? kid[..64] + "…" : kid;
}
