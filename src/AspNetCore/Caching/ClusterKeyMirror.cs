using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Caching;

/// <summary>
/// Keeps this host's <see cref="LocalJwksKeySource"/> holding the keys the cluster's JwksGrains hold, so the hedge
/// (a slow grain) and the fallback (an unreachable cluster) validate with keys at hand, and a host never fetches from
/// the issuer keys the cluster already has. Runs once the host has started (a development issuer served by this very
/// host must be listening), then every <see cref="Interval"/>, retrying sooner while the cluster does not answer.
/// </summary>
internal sealed partial class ClusterKeyMirror(
    IGrainFactory grainFactory,
    LocalJwksKeySource localKeys,
    IOptionsMonitor<AuthCacheOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ClusterKeyMirror> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Adopts every configured issuer's keys from the cluster; false when some could not be read.</summary>
    public async Task<bool> MirrorAsync(CancellationToken cancellationToken)
    {
        var mirrored = true;
        foreach (var issuer in options.CurrentValue.Issuers)
        {
            try
            {
                var keys = await grainFactory
                    .GetGrain<IJwksGrain>(issuer.Issuer)
                    .GetKeysAsync()
                    .WaitAsync(CallTimeout, time, cancellationToken);
                localKeys.Adopt(keys);
            }
            catch (Exception ex)
                when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogMirrorFailed(logger, issuer.Issuer, ex.GetType().Name);
                mirrored = false;
            }
        }

        return mirrored;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStarted.IsCancellationRequested)
        {
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = await MirrorAsync(stoppingToken) ? Interval : RetryDelay;
            await Task.Delay(delay, time, stoppingToken);
        }
    }

    [LoggerMessage(
        EventId = 3104,
        Level = LogLevel.Debug,
        Message = "The signing keys of issuer {Issuer} could not be read from the cluster ({ErrorType}); retrying "
            + "shortly.")]
    private static partial void LogMirrorFailed(ILogger logger, string issuer, string errorType);
}
