namespace AuthCache.Core.Revocation;

/// <summary>The holders of cached answers subscribed to this copy's changes, and how a change reaches them.</summary>
internal sealed partial class RevocationReplica
{
    /// <summary>Subscribes a holder of cached answers to this copy's changes.</summary>
    public IDisposable Subscribe(IRevocationReplicaListener listener)
    {
        lock (_listenersLock)
        {
            _listeners = [.. _listeners, listener];
        }

        return new Subscription(this, listener);
    }

    private async ValueTask<int> NotifyAsync(ReplicaChange change)
    {
        var dropped = 0;
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            dropped += await listener.OnReplicaChangedAsync(change);
        }

        return dropped;
    }

    private void Unsubscribe(IRevocationReplicaListener listener)
    {
        lock (_listenersLock)
        {
            _listeners = [.. _listeners.Where(l => !ReferenceEquals(l, listener))];
        }
    }

    private sealed class Subscription(RevocationReplica replica, IRevocationReplicaListener listener) : IDisposable
    {
        public void Dispose() => replica.Unsubscribe(listener);
    }
}
