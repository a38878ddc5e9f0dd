using AuthCache.GrainInterfaces;

namespace AuthCache.Grains;

/// <summary>The last-known-good keys of one issuer as <see cref="JwksGrain"/> keeps them in grain storage.</summary>
[GenerateSerializer, Alias("AuthCache.JwksPersistedState")]
internal sealed record JwksPersistedState(JwksSnapshot Snapshot, long FetchSuccesses, long FetchFailures, int ConsecutiveFailures);
