namespace AuthCache.Core.Revocation;

/// <summary>
/// The revocations known to this process (a silo's copy of the cluster list). Registered on silos; an API host with
/// an embedded silo also applies it to tokens it validates itself (direct scheme, fallback).
/// </summary>
public interface ITokenRevocationCheck
{
    bool IsRevoked(RevocationCandidate candidate);
}
