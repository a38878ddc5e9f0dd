using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.Grains.StateProtection;

/// <summary>
/// Authenticates grain state that carries trust (what a silo would believe after reading it back from storage) with
/// HMAC-SHA256 keyed by <c>Orleans:StateProtection:Key</c>, a secret only the silos hold: whoever can write the
/// storage but not read that secret cannot make a silo believe state it did not write. Without a key nothing
/// stored is ever trusted (said once at start).
/// </summary>
internal sealed partial class GrainStateProtector : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly byte[]? _key;
    private readonly ILogger<GrainStateProtector> _logger;

    public GrainStateProtector(IOptions<StateProtectionOptions> options, ILogger<GrainStateProtector> logger)
    {
        _key = options.Value.KeyBytes();
        _logger = logger;
    }

    public bool IsEnabled => _key is not null;

    /// <summary>
    /// The authentication code of <paramref name="canonical"/> for <paramref name="purpose"/>, or null without a key.
    /// </summary>
    public byte[]? Sign(string purpose, byte[] canonical) => _key is null ? null : Compute(_key, purpose, canonical);

    /// <summary>
    /// Whether <paramref name="mac"/> is what this silo would have computed; always false without a key.
    /// </summary>
    public bool Verify(string purpose, byte[] canonical, byte[]? mac) =>
        _key is not null
        && mac is not null
        && CryptographicOperations.FixedTimeEquals(Compute(_key, purpose, canonical), mac);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(GrainStateProtector), ServiceLifecycleStage.RuntimeInitialize, _ =>
        {
            if (_key is null)
            {
                LogNoKey(_logger, StateProtectionOptions.SectionName + ":Key");
            }

            return Task.CompletedTask;
        });

    // The purpose is part of the input, so state of one kind can never pass for another.
    private static byte[] Compute(byte[] key, string purpose, byte[] canonical)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(purpose));
        hmac.AppendData([0]);
        hmac.AppendData(canonical);
        return hmac.GetHashAndReset();
    }

    [LoggerMessage(
        EventId = 2601,
        Level = LogLevel.Warning,
        Message = "No {Setting} is configured: grain state that carries trust (last-known-good signing keys) is stored "
            + "but never restored. Configure a base64 key of at least 32 bytes from a secret only the silos hold.")]
    private static partial void LogNoKey(ILogger logger, string setting);
}
