using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;

namespace AuthCache.Grains;

/// <summary>Keys from the cluster-wide <see cref="IJwksGrain"/> of each issuer.</summary>
internal sealed class GrainSigningKeySource(IGrainFactory grainFactory) : ISigningKeySource
{
    public Task<JwksSnapshot> GetKeysAsync(string issuer) =>
        grainFactory.GetGrain<IJwksGrain>(issuer).GetKeysAsync();

    public Task<JwksSnapshot> RefreshForUnknownKeyAsync(string issuer, string keyId) =>
        grainFactory.GetGrain<IJwksGrain>(issuer).RefreshForUnknownKeyAsync(keyId);
}
