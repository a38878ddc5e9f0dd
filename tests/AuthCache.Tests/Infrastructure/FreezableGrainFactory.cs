using AuthCache.GrainInterfaces;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// The grain factory of a process that can be frozen, as SIGSTOP freezes one: while frozen, its calls to the revocation
/// list do not leave and notifications sent to it are not taken. On <see cref="Resume"/> both fail (the connection they
/// travelled on is taken as gone), so the process learns what it missed only by asking again.
/// </summary>
internal sealed class FreezableGrainFactory(IGrainFactory inner) : IGrainFactory
{
    private readonly List<IRevocationObserver> _observers = [];
    private volatile TaskCompletionSource? _frozen;

    public void Freeze() => _frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume() => Interlocked.Exchange(ref _frozen, null)?.TrySetResult();

    private async Task PassAsync()
    {
        if (_frozen is { } frozen)
        {
            await frozen.Task;
            throw new TimeoutException("The process was frozen.");
        }
    }

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey
    {
        var grain = inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);
        return grain is IRevocationListGrain list ? (TGrainInterface)(object)new FreezableList(list, this) : grain;
    }

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver
    {
        if (obj is not IRevocationObserver observer)
        {
            return inner.CreateObjectReference<TGrainObserverInterface>(obj);
        }

        // A reference lives only while its object does: the process holds the wrapper as it holds what it wraps.
        var wrapper = new FreezableObserver(observer, this);
        lock (_observers)
        {
            _observers.Add(wrapper);
        }

        return inner.CreateObjectReference<TGrainObserverInterface>(wrapper);
    }

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => inner.DeleteObjectReference<TGrainObserverInterface>(obj);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey => inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey => inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey => inner.GetGrain<TGrainInterface>(primaryKey, keyExtension, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey => inner.GetGrain<TGrainInterface>(primaryKey, keyExtension, grainClassNamePrefix);

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => inner.GetGrain(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => inner.GetGrain(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => inner.GetGrain(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => inner.GetGrain(grainInterfaceType, grainPrimaryKey, keyExtension);

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => inner.GetGrain(grainInterfaceType, grainPrimaryKey, keyExtension);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => inner.GetGrain<TGrainInterface>(grainId);

    public IAddressable GetGrain(GrainId grainId) => inner.GetGrain(grainId);

    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => inner.GetGrain(grainId, interfaceType);

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey, string grainClassNamePrefix) => inner.GetGrain(interfaceType, grainKey, grainClassNamePrefix);

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey) => inner.GetGrain(interfaceType, grainKey);

    private sealed class FreezableList(IRevocationListGrain list, FreezableGrainFactory process) : IRevocationListGrain
    {
        public async Task<RevocationOutcome> RevokeAsync(RevocationKind kind, string? issuer, string value)
        {
            await process.PassAsync();
            return await list.RevokeAsync(kind, issuer, value);
        }

        public async Task<InvalidationOutcome> PublishAsync(CacheInvalidation invalidation)
        {
            await process.PassAsync();
            return await list.PublishAsync(invalidation);
        }

        public async Task<RevocationSync> SubscribeAsync(RevocationSubscriber subscriber, IRevocationObserver observer, Guid knownEpoch, long knownVersion)
        {
            await process.PassAsync();
            return await list.SubscribeAsync(subscriber, observer, knownEpoch, knownVersion);
        }

        public async Task AcknowledgeAsync(string subscriber, Guid epoch, long version)
        {
            await process.PassAsync();
            await list.AcknowledgeAsync(subscriber, epoch, version);
        }

        public async Task UnsubscribeAsync(string subscriber)
        {
            await process.PassAsync();
            await list.UnsubscribeAsync(subscriber);
        }

        public async Task RestoreAsync(IReadOnlyList<RevocationRecord> records)
        {
            await process.PassAsync();
            await list.RestoreAsync(records);
        }
    }

    private sealed class FreezableObserver(IRevocationObserver observer, FreezableGrainFactory process) : IRevocationObserver
    {
        public async Task<int> OnRevokedAsync(IReadOnlyList<RevocationRecord> records, Guid epoch, long version)
        {
            await process.PassAsync();
            return await observer.OnRevokedAsync(records, epoch, version);
        }

        public async Task<InvalidationApplied> OnInvalidatedAsync(CacheInvalidation invalidation, Guid epoch, long version)
        {
            await process.PassAsync();
            return await observer.OnInvalidatedAsync(invalidation, epoch, version);
        }
    }
}
