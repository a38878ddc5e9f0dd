using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Jwks;

/// <summary>
/// One attempt to fetch an issuer's keys: the usable keys, or the error that makes the attempt a failure.
/// </summary>
internal sealed record JwksFetchResult(IReadOnlyList<SigningKeyMaterial> Keys, TimeSpan? MaxAge, string? Error)
{
    /// <summary>The address the keys were fetched from when OpenID Connect discovery gave it.</summary>
    public Uri? DiscoveredJwksUri { get; init; }

    public bool Succeeded => Error is null;

    public static JwksFetchResult Failed(string error) => new([], null, error);
}
