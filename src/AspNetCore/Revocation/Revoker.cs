using AuthCache.Core.Diagnostics;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>
/// The one path every revocation takes (admin endpoint, identity-provider webhooks): the cluster's revocation
/// list, an audit log line with a stable event id, and the revocation counter.
/// </summary>
internal sealed partial class Revoker(IGrainFactory grainFactory, RevocationMetrics metrics, ILogger<Revoker> logger)
{
    public const string AdminSource = "admin";
    public const string ClerkWebhookSource = "clerk-webhook";

    /// <summary>The outcome, or null when the cluster could not record the revocation (nothing was revoked).</summary>
    public async Task<RevocationOutcome?> RevokeAsync(RevocationTarget target, string actor, string source)
    {
        var kind = RevocationKindNames.Of(target.Kind);
        RevocationOutcome outcome;
        try
        {
            outcome = await grainFactory
                .GetGrain<IRevocationListGrain>(IRevocationListGrain.Key)
                .RevokeAsync(target.Kind, target.Issuer, target.Value);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRevokeFailed(logger, actor, source, kind, target.ForLog, ex.GetType().Name);
            return null;
        }

        metrics.Revoked(target.Kind, source);
        if (!outcome.Confirmed)
        {
            metrics.Unconfirmed();
        }

        LogRevoked(
            logger,
            actor,
            source,
            kind,
            target.ForLog,
            outcome.DroppedValidations,
            outcome.ConfirmedSilos,
            outcome.ConfirmedHosts,
            outcome.UnconfirmedSilos.Count + outcome.UnconfirmedHosts.Count,
            outcome.Persisted);
        return outcome;
    }

    /// <summary>
    /// A refused revocation request, audited with its reason (the rejected value itself is not logged).
    /// </summary>
    public void Refused(string actor, string source, string reason) => LogRefused(logger, actor, source, reason);

    [LoggerMessage(
        EventId = 3201,
        Level = LogLevel.Information,
        Message = "Audit: {Actor} revoked {Kind} {Target} via {Source}: {Dropped} cached validation(s) dropped, "
            + "{ConfirmedSilos} silo(s) and {ConfirmedHosts} API host(s) confirmed, {Unconfirmed} unconfirmed, "
            + "persisted {Persisted}.")]
    private static partial void LogRevoked(
        ILogger logger,
        string actor,
        string source,
        string kind,
        string target,
        int dropped,
        int confirmedSilos,
        int confirmedHosts,
        int unconfirmed,
        bool persisted);

    [LoggerMessage(
        EventId = 3202,
        Level = LogLevel.Error,
        Message = "Audit: {Actor} failed to revoke {Kind} {Target} via {Source}: the cluster did not record it "
            + "({ErrorType}).")]
    private static partial void LogRevokeFailed(
        ILogger logger,
        string actor,
        string source,
        string kind,
        string target,
        string errorType);

    [LoggerMessage(
        EventId = 3203,
        Level = LogLevel.Warning,
        Message = "Audit: a revocation request from {Actor} via {Source} was refused ({Reason}).")]
    private static partial void LogRefused(ILogger logger, string actor, string source, string reason);
}
