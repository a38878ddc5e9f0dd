using AuthCache.Core.Options;
using Microsoft.Extensions.Logging;

namespace AuthCache.Grains;

internal sealed partial class JwksGrain
{
    /// <summary>A storage failure costs durability, not the fresh keys: they are served either way.</summary>
    private async Task PersistAsync()
    {
        try
        {
            var state = new JwksPersistedState(
                _state.LastKnownGood, _state.FetchSuccesses, _state.FetchFailures, _state.ConsecutiveFailures);
            Stored.State = state with { Mac = Protector.Sign(JwksPersistedState.Purpose, state.Canonical(Issuer)) };
            await Stored.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPersistFailed(Logger, Issuer, ex.GetType().Name);
        }
    }

    /// <summary>
    /// Why stored keys must not be believed, or null: an authentication code that does not match (edited or foreign
    /// state, or state stored without one), another issuer's keys, a fetch time in the future, or an expiry so far past
    /// that the keys would be withheld anyway.
    /// </summary>
    private string? RefusalOf(JwksPersistedState persisted, DateTimeOffset now, AuthCacheOptions settings)
    {
        var snapshot = persisted.Snapshot;
        if (persisted.Mac is null)
        {
            return "no authentication code";
        }

        if (!Protector.Verify(JwksPersistedState.Purpose, persisted.Canonical(Issuer), persisted.Mac))
        {
            return "the authentication code does not match";
        }

        if (!string.Equals(snapshot.Issuer, Issuer, StringComparison.Ordinal))
        {
            return "the keys are another issuer's";
        }

        if (snapshot.FetchedAt is not { } fetchedAt || fetchedAt > now + settings.ClockSkew)
        {
            return "fetched in the future";
        }

        return snapshot.ExpiresAt is not { } expiresAt
            || expiresAt < fetchedAt
            || now >= expiresAt + settings.JwksMaxStaleness
            ? "expired beyond the maximum staleness"
            : null;
    }

    [LoggerMessage(
        EventId = 2602,
        Level = LogLevel.Warning,
        Message = "The stored signing keys of issuer {Issuer} were refused ({Reason}); they are never used and the "
            + "keys are fetched again.")]
    private static partial void LogStoredKeysRefused(ILogger logger, string issuer, string reason);

    [LoggerMessage(
        EventId = 2103,
        Level = LogLevel.Warning,
        Message = "The signing keys of issuer {Issuer} could not be persisted ({ErrorType}); they are served from "
            + "memory.")]
    private static partial void LogPersistFailed(ILogger logger, string issuer, string errorType);
}
