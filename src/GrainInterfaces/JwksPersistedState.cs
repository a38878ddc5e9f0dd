namespace AuthCache.GrainInterfaces;

/// <summary>The last-known-good keys of one issuer as kept in grain storage.</summary>
[GenerateSerializer, Alias("AuthCache.JwksPersistedState")]
public sealed record JwksPersistedState(JwksSnapshot Snapshot, long FetchSuccesses, long FetchFailures, int ConsecutiveFailures);
