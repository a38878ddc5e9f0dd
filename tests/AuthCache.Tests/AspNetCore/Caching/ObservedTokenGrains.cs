using AuthCache.GrainInterfaces;

namespace AuthCache.Tests.AspNetCore.Caching;

/// <summary>
/// The grain factory of an API host, passing every call to the real cluster, that counts what its token grains are
/// asked and can lose their silo as a killed process does: while <see cref="Lost"/>, token grain calls get no answer
/// (a validation sent meanwhile is answered, late, once <see cref="Revive"/> is called; a question whether the grain
/// is at work never is).
/// </summary>
internal sealed class ObservedTokenGrains(IGrainFactory inner) : IGrainFactory
{
    private readonly TaskCompletionSource _revived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _probes;
    private int _probeAnswers;

    public bool Lost { get; set; }

    /// <summary>Questions sent to token grains whether they are at work.</summary>
    public int Probes => Volatile.Read(ref _probes);

    /// <summary>Such questions answered.</summary>
    public int ProbeAnswers => Volatile.Read(ref _probeAnswers);

    public void Revive() => _revived.TrySetResult();

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey
    {
        var grain = inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);
        return grain is ITokenValidationGrain token ? (TGrainInterface)(object)new TokenGrain(token, this) : grain;
    }

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey =>
        inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => inner.CreateObjectReference<TGrainObserverInterface>(obj);

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => inner.DeleteObjectReference<TGrainObserverInterface>(obj);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey => inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? prefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey =>
        inner.GetGrain<TGrainInterface>(primaryKey, keyExtension, prefix);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? prefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey =>
        inner.GetGrain<TGrainInterface>(primaryKey, keyExtension, prefix);

    public IGrain GetGrain(Type grainInterfaceType, Guid key) => inner.GetGrain(grainInterfaceType, key);

    public IGrain GetGrain(Type grainInterfaceType, long key) => inner.GetGrain(grainInterfaceType, key);

    public IGrain GetGrain(Type grainInterfaceType, string key) => inner.GetGrain(grainInterfaceType, key);

    public IGrain GetGrain(Type grainInterfaceType, Guid key, string keyExtension) =>
        inner.GetGrain(grainInterfaceType, key, keyExtension);

    public IGrain GetGrain(Type grainInterfaceType, long key, string keyExtension) =>
        inner.GetGrain(grainInterfaceType, key, keyExtension);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => inner.GetGrain<TGrainInterface>(grainId);

    public IAddressable GetGrain(GrainId grainId) => inner.GetGrain(grainId);

    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) =>
        inner.GetGrain(grainId, interfaceType);

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey, string grainClassNamePrefix) =>
        inner.GetGrain(interfaceType, grainKey, grainClassNamePrefix);

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey) => inner.GetGrain(interfaceType, grainKey);

    private sealed class TokenGrain(ITokenValidationGrain grain, ObservedTokenGrains process) : ITokenValidationGrain
    {
        public async Task<TokenValidationOutcome> ValidateAsync(string token)
        {
            if (process.Lost)
            {
                await process._revived.Task;
            }

            return await grain.ValidateAsync(token);
        }

        public Task<bool> EvictAsync(CacheEvictionScope scope) => grain.EvictAsync(scope);

        public async Task<bool> IsValidatingAsync()
        {
            Interlocked.Increment(ref process._probes);
            if (process.Lost)
            {
                await Task.Delay(Timeout.Infinite);
            }

            var validating = await grain.IsValidatingAsync();
            Interlocked.Increment(ref process._probeAnswers);
            return validating;
        }
    }
}
