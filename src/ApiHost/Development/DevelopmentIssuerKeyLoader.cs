using AuthCache.GrainInterfaces;

namespace AuthCache.ApiHost.Development;

/// <summary>
/// The development issuer's keys are served by this very host, so the silo's start-up pre-population fetches
/// them before Kestrel listens and fails, and the retry backoff would then answer the first requests with
/// <c>keys_unavailable</c>. Once the server is listening (<see cref="IHostedLifecycleService.StartedAsync"/>
/// runs after it started, before the host reports itself started) the keys are fetched again.
/// </summary>
internal sealed partial class DevelopmentIssuerKeyLoader(
    DevelopmentIssuer issuer,
    IGrainFactory grainFactory,
    ILogger<DevelopmentIssuerKeyLoader> logger) : IHostedLifecycleService
{
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var grain = grainFactory.GetGrain<IJwksGrain>(issuer.Issuer);
        var keys = (await grain.ForceRefreshAsync().WaitAsync(cancellationToken)).Keys;
        if (!keys.HasKeys)
        {
            // The refresh may have joined the pre-population fetch that began before the server listened.
            keys = (await grain.ForceRefreshAsync().WaitAsync(cancellationToken)).Keys;
        }

        if (!keys.HasKeys)
        {
            LogKeysUnavailable(logger, issuer.Issuer, keys.LastError ?? "unknown error");
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "The development issuer {Issuer} did not serve its keys ({Error}).")]
    private static partial void LogKeysUnavailable(ILogger logger, string issuer, string error);
}
