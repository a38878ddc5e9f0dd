namespace AuthCache.AspNetCore.Endpoints;

/// <summary>A refused admin request: a stable reason code and a sentence for people.</summary>
internal sealed record AdminError(string Error, string Detail);

internal sealed record JwksRefreshResponse(IReadOnlyList<IssuerRefresh> Issuers);

/// <summary>
/// One issuer after a forced refresh: the key ids now in use, the error when the fetch failed, and the keys the issuer
/// no longer lists, retired across the cluster: the cached validations they dropped on the silos, and whether every
/// silo and API host confirmed.
/// </summary>
internal sealed record IssuerRefresh(
    string Issuer,
    bool Refreshed,
    IReadOnlyList<string> KeyIds,
    DateTimeOffset? LastRefresh,
    string? Error,
    IReadOnlyList<string> RetiredKeyIds,
    int DroppedCachedValidations,
    bool RetirementConfirmed);

internal sealed record CacheCleanupResponse(
    string Scope,
    long TokensRemoved,
    long ProfilesRemoved,
    int Silos,
    IReadOnlyList<string> UnreachableSilos,
    int ApiHosts,
    IReadOnlyList<string> UnconfirmedApiHosts);
