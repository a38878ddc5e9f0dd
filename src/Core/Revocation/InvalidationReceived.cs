using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Revocation;

/// <summary>A cluster-wide invalidation (retired keys, a cleanup) delivered to this process.</summary>
internal sealed record InvalidationReceived(CacheInvalidation Invalidation) : ReplicaChange;
