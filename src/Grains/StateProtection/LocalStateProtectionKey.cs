using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace AuthCache.Grains.StateProtection;

/// <summary>
/// In-memory grain storage lives and dies with the processes of the cluster that wrote it, so nobody outside them can
/// write it: when no <c>Orleans:StateProtection:Key</c> is configured, a key made at start authenticates what this
/// silo stores. A snapshot another silo of a local cluster wrote fails its check and is fetched again, which is safe.
/// </summary>
internal sealed class LocalStateProtectionKey : IPostConfigureOptions<StateProtectionOptions>
{
    private readonly string _key = Convert.ToBase64String(
        RandomNumberGenerator.GetBytes(StateProtectionOptions.MinimumKeyBytes));

    public void PostConfigure(string? name, StateProtectionOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Key))
        {
            options.Key = _key;
        }
    }
}
