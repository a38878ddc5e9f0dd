using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// A cached validation as the silo's <see cref="SiloValidationIndex"/> sees it: the token's revocation facts, its
/// claims (shared with the cached answer, for the silo's issuer rules) and the activation that holds it, so a
/// revocation or a change of rules can drop it. Owned by one <see cref="TokenValidationGrain"/> activation.
/// </summary>
internal sealed class TrackedValidation : IDisposable
{
    private readonly SiloValidationIndex _index;
    private readonly RevocationReplica _replica;
    private long _checkedVersion = -1;
    private volatile bool _withdrawn;

    internal TrackedValidation(
        SiloValidationIndex index,
        RevocationReplica replica,
        RevocationCandidate candidate,
        IReadOnlyList<TokenClaim> claims)
    {
        _index = index;
        _replica = replica;
        Candidate = candidate;
        Claims = claims;
    }

    public RevocationCandidate Candidate { get; }

    public IReadOnlyList<TokenClaim> Claims { get; }

    internal IGrainContext? Holder { get; private set; }

    /// <summary>
    /// Withdrawn by the index, or rejected by the silo's revocations: normally one volatile read or two.
    /// </summary>
    public bool IsRevoked() => _withdrawn || _replica.IsRevoked(Candidate, ref _checkedVersion);

    /// <summary>Registers the activation that caches this token, so revocations can find and drop it.</summary>
    public void Track(IGrainContext holder)
    {
        Holder = holder;
        _index.Track(this);
    }

    /// <summary>Refuses every later hit, before the activation is gone.</summary>
    internal void Withdraw() => _withdrawn = true;

    public void Dispose()
    {
        if (Holder is not null)
        {
            _index.Untrack(this);
            Holder = null;
        }
    }
}
