namespace AuthCache.GrainInterfaces;

/// <summary>
/// The signing keys of one issuer as last fetched successfully. <see cref="Version"/> grows with each successful
/// fetch so silos can reuse keys they have already parsed.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.JwksSnapshot")]
public sealed record JwksSnapshot(
    string Issuer,
    long Version,
    IReadOnlyList<SigningKeyMaterial> Keys,
    DateTimeOffset? FetchedAt,
    DateTimeOffset? ExpiresAt,
    bool IsStale,
    string? LastError,
    DateTimeOffset? LastErrorAt)
{
    /// <summary>
    /// Whether there is any key: without one (never fetched, or withheld past <c>JwksMaxStaleness</c>), no token of
    /// this issuer can be verified.
    /// </summary>
    public bool HasKeys => Keys.Count > 0;

    /// <summary>Whether the issuer publishes the key a token names in its <c>kid</c> header.</summary>
    public bool ContainsKey(string keyId)
    {
        foreach (var key in Keys)
        {
            if (string.Equals(key.Kid, keyId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
