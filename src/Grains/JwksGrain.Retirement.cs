using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace AuthCache.Grains;

internal sealed partial class JwksGrain
{
    /// <summary>
    /// Tells the whole cluster that keys are gone. A failure is logged, not thrown: the keys are already out of this
    /// grain's set, so no new validation uses them, and the caller learns the retirement was not confirmed.
    /// </summary>
    private async Task<InvalidationOutcome?> RetireAsync(IReadOnlyList<string> keyIds)
    {
        LogRetiring(Logger, Issuer, string.Join(", ", keyIds));
        try
        {
            var outcome = await GrainFactory.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key)
                .PublishAsync(new KeysRetired(Issuer, keyIds));
            if (!outcome.Confirmed)
            {
                LogRetirementUnconfirmed(
                    Logger, Issuer, outcome.UnconfirmedSilos.Count + outcome.UnconfirmedHosts.Count);
            }

            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRetirementFailed(Logger, Issuer, ex.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(
        EventId = 2104,
        Level = LogLevel.Warning,
        Message = "Issuer {Issuer} no longer lists signing key(s) {KeyIds}; retiring them across the cluster.")]
    private static partial void LogRetiring(ILogger logger, string issuer, string keyIds);

    [LoggerMessage(
        EventId = 2105,
        Level = LogLevel.Warning,
        Message = "The retirement of signing keys of issuer {Issuer} was not confirmed by {Count} silo(s) or API "
            + "host(s); they drop them when they next synchronise.")]
    private static partial void LogRetirementUnconfirmed(ILogger logger, string issuer, int count);

    [LoggerMessage(
        EventId = 2106,
        Level = LogLevel.Error,
        Message = "The retirement of signing keys of issuer {Issuer} could not be announced ({ErrorType}); "
            + "validations made with them stay cached until they expire.")]
    private static partial void LogRetirementFailed(ILogger logger, string issuer, string errorType);
}
