using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Validation;

/// <summary>
/// Where <see cref="TokenValidator"/> gets an issuer's keys: the cluster's JwksGrain, or a local cache.
/// </summary>
internal interface ISigningKeySource
{
    Task<JwksSnapshot> GetKeysAsync(string issuer);

    /// <summary>Called once per token whose <c>kid</c> is not in the current set.</summary>
    Task<JwksSnapshot> RefreshForUnknownKeyAsync(string issuer, string keyId);
}
