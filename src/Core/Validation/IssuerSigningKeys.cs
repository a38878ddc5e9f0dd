using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Core.Validation;

/// <summary>
/// One issuer's key set, sorted once per key set by algorithm: which keys may verify a token of each algorithm and
/// what the issuer accepts when it pins no algorithms, so validating a token only looks things up. A key is used
/// only with what <see cref="SigningAlgorithms.Compatible"/> allows; when its issuer pins no algorithms, only with
/// <see cref="SigningAlgorithms.Default"/>.
/// </summary>
internal sealed class IssuerSigningKeys
{
    private readonly string[] _keyIds;
    private readonly int[] _compatible;
    private readonly int[] _defaults;
    private readonly SecurityKey[][] _compatibleKeys;
    private readonly SecurityKey[][] _defaultKeys;

    public IssuerSigningKeys(IReadOnlyList<SigningKeyMaterial> keys)
    {
        var usable = keys.Where(k => SigningAlgorithms.Compatible(k) != SigningAlgorithms.None).ToArray();
        var parsed = usable.Select(SecurityKey (k) => SigningKeyCache.ToJsonWebKey(k)).ToArray();
        _keyIds = usable.Select(k => k.Kid).ToArray();
        _compatible = usable.Select(SigningAlgorithms.Compatible).ToArray();
        _defaults = usable.Select(SigningAlgorithms.Default).ToArray();
        _compatibleKeys = ByAlgorithm(parsed, _compatible);
        _defaultKeys = ByAlgorithm(parsed, _defaults);
        DefaultMask = _defaults.Aggregate(SigningAlgorithms.None, (mask, key) => mask | key);
        DefaultAlgorithms = SigningAlgorithms.NamesOf(DefaultMask);
    }

    /// <summary>What the issuer accepts when it pins no algorithms: the algorithms its keys are used for.</summary>
    public int DefaultMask { get; }

    /// <inheritdoc cref="DefaultMask"/>
    public IReadOnlyList<string> DefaultAlgorithms { get; }

    /// <summary>
    /// The keys that may verify a token of the algorithm at <paramref name="algorithm"/> in
    /// <see cref="SigningAlgorithms.Supported"/>.
    /// </summary>
    public IReadOnlyList<SecurityKey> For(int algorithm, bool pinned) =>
        (pinned ? _compatibleKeys : _defaultKeys)[algorithm];

    /// <summary>
    /// The algorithms the key <paramref name="keyId"/> may verify; null when the set has no such usable key.
    /// </summary>
    public int? AlgorithmsOf(string keyId, bool pinned)
    {
        for (var i = 0; i < _keyIds.Length; i++)
        {
            if (string.Equals(_keyIds[i], keyId, StringComparison.Ordinal))
            {
                return pinned ? _compatible[i] : _defaults[i];
            }
        }

        return null;
    }

    private static SecurityKey[][] ByAlgorithm(SecurityKey[] keys, int[] masks) =>
        Enumerable.Range(0, SigningAlgorithms.Supported.Count)
            .Select(algorithm => keys.Where((_, i) => SigningAlgorithms.Contains(masks[i], algorithm)).ToArray())
            .ToArray();
}
