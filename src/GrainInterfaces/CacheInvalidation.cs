namespace AuthCache.GrainInterfaces;

/// <summary>
/// A change that takes back answers cached anywhere in the cluster without being a revocation: it is delivered to
/// every subscriber of the <see cref="IRevocationListGrain"/> (silos and API hosts) once, and never kept.
/// </summary>
/// <param name="Issuer">The issuer whose keys were retired, or whose user's profile was evicted; null for a cleanup.</param>
/// <param name="KeyIds">The retired key ids; empty when every key of <paramref name="Issuer"/> is (issuer removed).</param>
/// <param name="Subject">The user whose profile was evicted; null otherwise.</param>
[GenerateSerializer, Immutable, Alias("AuthCache.CacheInvalidation")]
public sealed record CacheInvalidation(CacheInvalidationKind Kind, string? Issuer, IReadOnlyList<string> KeyIds, CacheEvictionScope Scope, string? Subject = null)
{
    public static CacheInvalidation KeysRetired(string issuer, IReadOnlyList<string> keyIds) =>
        new(CacheInvalidationKind.KeysRetired, issuer, keyIds, CacheEvictionScope.Expired);

    /// <summary>Every key of the issuer: it is no longer trusted.</summary>
    public static CacheInvalidation IssuerRemoved(string issuer) => new(CacheInvalidationKind.KeysRetired, issuer, [], CacheEvictionScope.Expired);

    public static CacheInvalidation Cleared(CacheEvictionScope scope) => new(CacheInvalidationKind.CacheCleared, null, [], scope);

    /// <summary>Answers that carry a copy of the user's profile: the next one must read it again.</summary>
    public static CacheInvalidation ProfileEvicted(string issuer, string subject) =>
        new(CacheInvalidationKind.ProfileEvicted, issuer, [], CacheEvictionScope.All, subject);

    /// <summary>Whether an answer for <paramref name="subject"/> of <paramref name="issuer"/> carries the evicted profile.</summary>
    public bool EvictsProfileOf(string? issuer, string? subject) =>
        Kind == CacheInvalidationKind.ProfileEvicted
        && string.Equals(Issuer, issuer, StringComparison.Ordinal)
        && string.Equals(Subject, subject, StringComparison.Ordinal);

    /// <summary>Whether a validation made with <paramref name="keyId"/> of <paramref name="issuer"/> is taken back.</summary>
    public bool Retires(string? issuer, string? keyId) =>
        Kind == CacheInvalidationKind.KeysRetired
        && string.Equals(Issuer, issuer, StringComparison.Ordinal)
        && (KeyIds.Count == 0 || (keyId is not null && KeyIds.Contains(keyId, StringComparer.Ordinal)));
}
