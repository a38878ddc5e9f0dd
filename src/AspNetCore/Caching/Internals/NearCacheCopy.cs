using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Caching.Internals;

/// <summary>One answer <see cref="TokenNearCache"/> holds, with what decides how long it may answer.</summary>
internal sealed class NearCacheCopy(
    TokenValidationOutcome result,
    RevocationCandidate candidate,
    DateTimeOffset until,
    DateTimeOffset refreshAt,
    long generation)
{
    /// <summary>The replica version this copy was last found unrevoked at.</summary>
    public long CheckedVersion = -1;

    /// <summary>1 once a hit has been told to refresh this copy; a copy is refreshed at most once.</summary>
    public int RefreshClaimed;

    public TokenValidationOutcome Result { get; } = result;

    public RevocationCandidate Candidate { get; } = candidate;

    public DateTimeOffset Until { get; } = until;

    /// <summary>
    /// From when a hit asks the grain again; <see cref="DateTimeOffset.MaxValue"/> for a copy that ends with its
    /// grain's.
    /// </summary>
    public DateTimeOffset RefreshAt { get; } = refreshAt;

    public long Generation { get; } = generation;
}
