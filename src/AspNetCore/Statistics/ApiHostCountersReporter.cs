using AuthCache.AspNetCore.Caching;
using AuthCache.Core.Diagnostics;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthCache.AspNetCore.Statistics;

/// <summary>
/// Reports this host's request-cache and fallback totals to the cluster (<see cref="IApiHostCountersGrain"/>)
/// every <see cref="Interval"/>, so the stats endpoint of any host shows the sum over all hosts. A failed
/// report (cluster unreachable) is simply retried at the next tick: the totals it carries are cumulative.
/// </summary>
internal sealed partial class ApiHostCountersReporter(
    IGrainFactory grainFactory,
    ApiHostIdentity identity,
    AuthCacheMetrics metrics,
    TokenNearCache nearCache,
    TimeProvider time,
    ILogger<ApiHostCountersReporter> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>This host's name in the reports.</summary>
    public string Host => identity.Name;

    /// <summary>Sends the current totals now (the stats endpoint does, so its own host is never behind).</summary>
    public Task ReportAsync()
    {
        var counters = metrics.Snapshot();
        return grainFactory
            .GetGrain<IApiHostCountersGrain>(0)
            .ReportAsync(
                new ApiHostCounters(
                    Host,
                    counters.RequestCacheHits,
                    counters.Fallbacks,
                    time.GetUtcNow(),
                    counters.NearCacheHits,
                    nearCache.Count,
                    counters.HedgedValidations,
                    counters.NearCacheMisses));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReportAsync().WaitAsync(Interval, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogReportFailed(logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(
        EventId = 3401,
        Level = LogLevel.Debug,
        Message = "Reporting this host's cache counters to the cluster failed ({ErrorType}); retrying at the next "
            + "interval.")]
    private static partial void LogReportFailed(ILogger logger, string errorType);
}
