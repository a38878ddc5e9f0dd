namespace AuthCache.GrainInterfaces;

/// <summary>
/// What a fetch of an issuer's keys did: the keys now in use, the key ids it found gone from the issuer's key set,
/// and what retiring them did across the cluster (null when no key was retired).
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.JwksRefresh")]
public sealed record JwksRefresh(
    JwksSnapshot Keys,
    IReadOnlyList<string> RetiredKeyIds,
    InvalidationOutcome? Retirement)
{
    /// <summary>
    /// Every retired key is known to be dropped everywhere: none retired, or all subscribers confirmed.
    /// </summary>
    public bool RetirementConfirmed => RetiredKeyIds.Count == 0 || Retirement is { Confirmed: true };
}
