namespace AuthCache.GrainInterfaces;

/// <summary>What an operator needs to know about one issuer's keys (no key material).</summary>
[GenerateSerializer, Immutable, Alias("AuthCache.JwksStatus")]
public sealed record JwksStatus(
    string Issuer,
    IReadOnlyList<string> KeyIds,
    DateTimeOffset? LastRefresh,
    DateTimeOffset? ExpiresAt,
    bool IsStale,
    long FetchSuccesses,
    long FetchFailures,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? NextRefresh);
