namespace AuthCache.Grains.StateProtection;

/// <summary>The key that authenticates trust-carrying grain state, bound from <c>Orleans:StateProtection</c>.</summary>
internal sealed class StateProtectionOptions
{
    public const string SectionName = "Orleans:StateProtection";

    /// <summary>At least 32 random bytes, base64, from a secret only the silos hold (never the API hosts).</summary>
    public string? Key { get; set; }

    public const int MinimumKeyBytes = 32;

    /// <summary>The key's bytes, or null when none is configured or it is not base64.</summary>
    internal byte[]? KeyBytes()
    {
        if (string.IsNullOrWhiteSpace(Key))
        {
            return null;
        }

        var buffer = new byte[Key.Length];
        return Convert.TryFromBase64String(Key.Trim(), buffer, out var written) ? buffer[..written] : null;
    }
}
