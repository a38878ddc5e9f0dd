using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Core.Validation;

/// <summary>
/// The asymmetric JWS algorithms AuthCache verifies, and which of them a key may be used with. Sets of algorithms
/// are bit masks over <see cref="Supported"/>, so the checks a token needs cost no allocation.
/// </summary>
internal static class SigningAlgorithms
{
    /// <summary>Never <c>none</c>, never HMAC: a public key must never verify as a secret.</summary>
    public static readonly IReadOnlyList<string> Supported =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public const int None = 0;

    private const int Rs256 = 1 << 0;
    private const int RsaFamily = 0b111_111;
    private const int Es256 = 1 << 6;
    private const int Es384 = 1 << 7;
    private const int Es512 = 1 << 8;

    /// <summary>
    /// The position of <paramref name="algorithm"/> in <see cref="Supported"/> (ordinal match), or -1.
    /// </summary>
    public static int IndexOf(string? algorithm)
    {
        for (var i = 0; i < Supported.Count; i++)
        {
            if (string.Equals(algorithm, Supported[i], StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public static int Bit(int index) => 1 << index;

    public static bool Contains(int mask, int index) => index >= 0 && (mask & Bit(index)) != 0;

    /// <summary>The mask of <paramref name="algorithms"/>; names outside <see cref="Supported"/> add nothing.</summary>
    public static int MaskOf(IEnumerable<string> algorithms)
    {
        var mask = None;
        foreach (var algorithm in algorithms)
        {
            var index = IndexOf(algorithm);
            mask |= index < 0 ? None : Bit(index);
        }

        return mask;
    }

    public static string[] NamesOf(int mask) => Supported.Where((_, i) => Contains(mask, i)).ToArray();

    /// <summary>
    /// Every algorithm some trusted issuer may accept: its pins, or for an issuer without pins whatever its keys may
    /// come to say.
    /// </summary>
    public static IReadOnlyList<string> AcceptedByAnyIssuer(AuthCacheOptions options) =>
        options.Issuers.Any(i => i.Algorithms.Count == 0)
            ? Supported
            : options.Issuers.SelectMany(i => i.Algorithms).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// What <paramref name="key"/> can verify at all (RFC 7517 §4.4, RFC 8725 §3.1): its own <c>alg</c> alone when it
    /// names one, else every algorithm of its type and curve (RSA: RS* and PS*; EC: the ES algorithm of its curve).
    /// </summary>
    public static int Compatible(SigningKeyMaterial key)
    {
        var family = key.Kty switch
        {
            JsonWebAlgorithmsKeyTypes.RSA => RsaFamily,
            JsonWebAlgorithmsKeyTypes.EllipticCurve => CurveAlgorithm(key.Crv),
            _ => None,
        };
        if (key.Alg is null)
        {
            return family;
        }

        var index = IndexOf(key.Alg);
        return index >= 0 ? family & Bit(index) : None;
    }

    /// <summary>
    /// What <paramref name="key"/> is used for when its issuer pins no algorithms: its own <c>alg</c>, else the most
    /// common algorithm of its type (RSA: RS256; EC: the ES algorithm of its curve). A provider that signs PS* with
    /// keys that do not say so is configured with <c>Algorithms</c>.
    /// </summary>
    public static int Default(SigningKeyMaterial key) =>
        key.Alg is null && key.Kty == JsonWebAlgorithmsKeyTypes.RSA ? Rs256 : Compatible(key);

    /// <summary>The one ES algorithm of a curve: ES256 with P-256, ES384 with P-384, ES512 with P-521.</summary>
    public static int CurveAlgorithm(string? crv) => crv switch
    {
        JsonWebKeyECTypes.P256 => Es256,
        JsonWebKeyECTypes.P384 => Es384,
        JsonWebKeyECTypes.P521 => Es512,
        _ => None,
    };
}
