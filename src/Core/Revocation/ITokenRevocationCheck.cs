namespace AuthCache.Core.Revocation;

/// <summary>
/// The revocations known to this process: its <see cref="RevocationReplica"/>, in silos and API hosts alike.
/// </summary>
internal interface ITokenRevocationCheck
{
    bool IsRevoked(RevocationCandidate candidate);
}
