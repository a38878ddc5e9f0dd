using System.Collections.Concurrent;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Core.Validation;

/// <summary>
/// Parsed <see cref="SecurityKey"/> objects per issuer, rebuilt only when the key set changes. Reusing the same
/// key instances lets IdentityModel reuse its cached signature providers instead of importing keys per token.
/// </summary>
internal sealed class SigningKeyCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public IssuerSigningKeys GetKeys(JwksSnapshot snapshot)
    {
        if (_entries.TryGetValue(snapshot.Issuer, out var entry)
            && entry.Version == snapshot.Version
            && entry.FetchedAt == snapshot.FetchedAt)
        {
            return entry.Keys;
        }

        var keys = new IssuerSigningKeys(snapshot.Keys);
        _entries[snapshot.Issuer] = new Entry(snapshot.Version, snapshot.FetchedAt, keys);
        return keys;
    }

    /// <summary>A key of an issuer's key set as IdentityModel reads it (signing use only).</summary>
    public static JsonWebKey ToJsonWebKey(SigningKeyMaterial material) => new()
    {
        Kid = material.Kid,
        Kty = material.Kty,
        Alg = material.Alg,
        Use = JsonWebKeyUseNames.Sig,
        N = material.N,
        E = material.E,
        Crv = material.Crv,
        X = material.X,
        Y = material.Y,
    };

    private sealed record Entry(long Version, DateTimeOffset? FetchedAt, IssuerSigningKeys Keys);
}
