using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.Grains;

/// <summary>
/// Loads every configured issuer's keys as soon as the silo is active (pre-population, in the background so
/// start-up never blocks on an issuer), then every <see cref="AuthCacheOptions.MaintenanceInterval"/> makes sure
/// each issuer's grain and reminder are alive and logs their freshness. Idempotent across silos.
/// </summary>
internal sealed partial class JwksMaintenanceService(
    IGrainFactory grainFactory,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    ILogger<JwksMaintenanceService> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(JwksMaintenanceService), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await RunOnceAsync();
            try
            {
                await Task.Delay(options.CurrentValue.MaintenanceInterval, clock.TimeProvider, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal async Task RunOnceAsync()
    {
        foreach (var issuer in options.CurrentValue.Issuers)
        {
            try
            {
                var status = await grainFactory.GetGrain<IJwksGrain>(issuer.Issuer).EnsureRefreshScheduledAsync();
                if (status.KeyIds.Count == 0)
                {
                    LogNoKeys(logger, issuer.Issuer, status.LastError ?? "never fetched", status.NextRefresh);
                }
                else if (status.IsStale || status.LastError is not null)
                {
                    LogStale(
                        logger,
                        issuer.Issuer,
                        status.KeyIds.Count,
                        status.LastRefresh,
                        status.LastError ?? "none");
                }
                else
                {
                    LogFresh(logger, issuer.Issuer, status.KeyIds.Count, status.LastRefresh, status.NextRefresh);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogMaintenanceFailed(logger, issuer.Issuer, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(
        EventId = 2301,
        Level = LogLevel.Information,
        Message = "Issuer {Issuer}: {KeyCount} fresh signing key(s), fetched {LastRefresh:o}, next refresh "
            + "{NextRefresh:o}.")]
    private static partial void LogFresh(
        ILogger logger,
        string issuer,
        int keyCount,
        DateTimeOffset? lastRefresh,
        DateTimeOffset? nextRefresh);

    [LoggerMessage(
        EventId = 2302,
        Level = LogLevel.Warning,
        Message = "Issuer {Issuer}: serving {KeyCount} last-known-good key(s) fetched {LastRefresh:o}; last refresh "
            + "error: {Error}.")]
    private static partial void LogStale(
        ILogger logger,
        string issuer,
        int keyCount,
        DateTimeOffset? lastRefresh,
        string error);

    [LoggerMessage(
        EventId = 2303,
        Level = LogLevel.Error,
        Message = "Issuer {Issuer}: no signing keys ({Error}); next attempt {NextAttempt:o}.")]
    private static partial void LogNoKeys(ILogger logger, string issuer, string error, DateTimeOffset? nextAttempt);

    [LoggerMessage(
        EventId = 2304,
        Level = LogLevel.Warning,
        Message = "Maintenance of issuer {Issuer} failed ({ErrorType}); retried at the next interval.")]
    private static partial void LogMaintenanceFailed(ILogger logger, string issuer, string errorType);
}
