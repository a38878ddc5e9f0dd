namespace AuthCache.AspNetCore.Endpoints;

/// <summary>A refused admin request: a stable reason code and a sentence for people.</summary>
public sealed record AdminError(string Error, string Detail);

public sealed record JwksRefreshResponse(IReadOnlyList<IssuerRefresh> Issuers);

/// <summary>One issuer after a forced refresh: the key ids now in use, and the error when the fetch failed.</summary>
public sealed record IssuerRefresh(string Issuer, bool Refreshed, IReadOnlyList<string> KeyIds, DateTimeOffset? LastRefresh, string? Error);

public sealed record CacheCleanupResponse(string Scope, long TokensRemoved, long ProfilesRemoved, int Silos, IReadOnlyList<string> UnreachableSilos, int ApiHosts, IReadOnlyList<string> UnconfirmedApiHosts);
