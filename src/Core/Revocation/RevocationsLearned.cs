using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Revocation;

/// <summary>Revocations this replica did not have before (each rejects from now on).</summary>
internal sealed record RevocationsLearned(IReadOnlyList<RevocationRecord> Records) : ReplicaChange;
