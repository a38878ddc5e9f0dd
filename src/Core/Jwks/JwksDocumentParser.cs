using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Core.Jwks;

/// <summary>
/// Reads a JWKS document with IdentityModel's <see cref="JsonWebKeySet"/> and keeps only keys we can verify
/// with: RSA (2048 bits or more) and EC P-256, <c>use</c> absent or <c>sig</c>, with a <c>kid</c>.
/// </summary>
internal static class JwksDocumentParser
{
    private const int MinimumRsaModulusBytes = 256;
    private const int P256CoordinateBytes = 32;

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
                keys.Add(new SigningKeyMaterial(key.Kid, key.Kty, NullIfEmpty(key.Alg), NullIfEmpty(key.N), NullIfEmpty(key.E), NullIfEmpty(key.Crv), NullIfEmpty(key.X), NullIfEmpty(key.Y)));
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
            JsonWebAlgorithmsKeyTypes.RSA => CheckRsa(key),
            JsonWebAlgorithmsKeyTypes.EllipticCurve => CheckEc(key),
            _ => $"unsupported key type '{key.Kty}'",
        };
    }

    private static string? CheckRsa(JsonWebKey key)
    {
        if (!string.IsNullOrEmpty(key.Alg) && key.Alg != SecurityAlgorithms.RsaSha256)
        {
            return $"alg '{key.Alg}' is not RS256";
        }

        var modulus = TryDecode(key.N);
        var exponent = TryDecode(key.E);
        if (modulus is null || exponent is null || exponent.Length == 0)
        {
            return "RSA key without a valid n or e";
        }

        return modulus.Length < MinimumRsaModulusBytes ? "RSA key shorter than 2048 bits" : null;
    }

    private static string? CheckEc(JsonWebKey key)
    {
        if (key.Crv != JsonWebKeyECTypes.P256)
        {
            return $"curve '{key.Crv}' is not P-256";
        }

        if (!string.IsNullOrEmpty(key.Alg) && key.Alg != SecurityAlgorithms.EcdsaSha256)
        {
            return $"alg '{key.Alg}' is not ES256";
        }

        var x = TryDecode(key.X);
        var y = TryDecode(key.Y);
        if (x is not { Length: P256CoordinateBytes } || y is not { Length: P256CoordinateBytes })
        {
            return "EC key without valid x and y";
        }

        try
        {
            using var ecdsa = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
            {
                Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
                Q = new System.Security.Cryptography.ECPoint { X = x, Y = y },
            });
            return null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return "EC point is not on P-256";
        }
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
