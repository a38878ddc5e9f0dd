namespace AuthCache.Core.Revocation;

/// <summary>
/// A change to this process's <see cref="RevocationReplica"/> that can take back answers cached in this process:
/// <see cref="RevocationsLearned"/>, <see cref="InvalidationReceived"/> or <see cref="ReplicaResynchronised"/>.
/// </summary>
internal abstract record ReplicaChange;
