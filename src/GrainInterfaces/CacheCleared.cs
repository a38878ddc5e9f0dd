namespace AuthCache.GrainInterfaces;

/// <summary>An operator's cleanup: every process drops the cached entries <paramref name="Scope"/> covers.</summary>
[GenerateSerializer, Immutable, Alias("AuthCache.CacheCleared")]
public sealed record CacheCleared(CacheEvictionScope Scope) : CacheInvalidation;
