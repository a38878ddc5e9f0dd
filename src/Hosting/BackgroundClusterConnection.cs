using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthCache.Hosting;

/// <summary>
/// Starts the Orleans client's hosted services off the host's start path and stops them with the host. Until
/// they have connected, grain calls fail fast and the authentication scheme validates tokens itself.
/// </summary>
internal sealed partial class BackgroundClusterConnection(
    IReadOnlyList<IHostedService> clientServices,
    ILogger<BackgroundClusterConnection> logger) : BackgroundService
{
    private int _started;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogConnecting(logger);
        try
        {
            foreach (var service in clientServices)
            {
                await service.StartAsync(stoppingToken);
                _started++;
            }

            LogConnected(logger);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host stopped before the cluster was reached.
        }
        catch (Exception ex)
        {
            LogGaveUp(logger, ex);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        for (var i = _started - 1; i >= 0; i--)
        {
            await clientServices[i].StopAsync(cancellationToken);
        }
    }

    [LoggerMessage(
        EventId = 5001,
        Level = LogLevel.Information,
        Message = "Connecting to the Orleans cluster in the background; tokens are validated directly "
            + "until it answers.")]
    private static partial void LogConnecting(ILogger logger);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Connected to the Orleans cluster.")]
    private static partial void LogConnected(ILogger logger);

    [LoggerMessage(
        EventId = 5003,
        Level = LogLevel.Critical,
        Message = "The Orleans client could not start and will not retry; tokens are validated directly until the host "
            + "restarts.")]
    private static partial void LogGaveUp(ILogger logger, Exception exception);
}
