namespace AuthCache.GrainInterfaces;

/// <summary>Signing keys left the issuer's key set: validations they verified are taken back.</summary>
/// <param name="Issuer">The issuer whose key set no longer lists the keys.</param>
/// <param name="KeyIds">The retired key ids; empty when every key of <paramref name="Issuer"/> is.</param>
[GenerateSerializer, Immutable, Alias("AuthCache.KeysRetired")]
public sealed record KeysRetired(string Issuer, IReadOnlyList<string> KeyIds) : CacheInvalidation
{
    /// <inheritdoc />
    public override bool Retires(string? issuer, string? keyId) =>
        string.Equals(Issuer, issuer, StringComparison.Ordinal)
        && (KeyIds.Count == 0 || (keyId is not null && KeyIds.Contains(keyId, StringComparer.Ordinal)));
}
