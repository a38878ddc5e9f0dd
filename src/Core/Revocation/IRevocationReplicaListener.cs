namespace AuthCache.Core.Revocation;

/// <summary>
/// Something in this process that keeps copies of answers a <see cref="ReplicaChange"/> can take back (a silo's
/// cached validations, an API host's near cache, the local signing keys). Subscribed with
/// <see cref="RevocationReplica.Subscribe"/>; a change is confirmed to the cluster only once every listener applied it.
/// </summary>
internal interface IRevocationReplicaListener
{
    /// <returns>How many cached validations (token grain activations) the change dropped.</returns>
    ValueTask<int> OnReplicaChangedAsync(ReplicaChange change);
}
