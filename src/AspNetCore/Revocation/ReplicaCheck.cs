namespace AuthCache.AspNetCore.Revocation;

/// <summary>
/// What <see cref="ReplicaFreshness"/> found before a resolution. <see cref="LagAccepted"/>: the revocation copy is
/// older than <c>AuthCache:Revocation:MaxReplicaLag</c> and the resolution goes on with it, counted, because the
/// cluster could not resynchronise it in time. The default, what a resolution that did not ask holds, vouches for no
/// copy older than MaxReplicaLag.
/// </summary>
internal readonly record struct ReplicaCheck(bool LagAccepted);
