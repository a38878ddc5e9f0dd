using Microsoft.Extensions.Logging;

namespace AuthCache.Hosting;

/// <summary>
/// Retries the client's connection for as long as the host runs (Orleans' default gives up after 15 attempts),
/// backing off exponentially with jitter up to 5 s. Logs the first failure and then one in twelve.
/// </summary>
internal sealed partial class ClusterConnectionRetryFilter(ILogger<ClusterConnectionRetryFilter> logger)
    : IClientConnectionRetryFilter
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        if (attempt == 1 || attempt % 12 == 0)
        {
            LogRetrying(logger, attempt, exception.GetType().Name, exception.Message);
        }

        var backoff = Math.Min(
            MaxDelay.TotalMilliseconds,
            FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 10)));
        await Task.Delay(
            TimeSpan.FromMilliseconds(backoff * (0.8 + (Random.Shared.NextDouble() * 0.4))),
            cancellationToken);
        return true;
    }

    [LoggerMessage(
        EventId = 5004,
        Level = LogLevel.Warning,
        Message = "Connection attempt {Attempt} to the Orleans cluster failed ({ErrorType}: {Error}); retrying.")]
    private static partial void LogRetrying(ILogger logger, int attempt, string errorType, string error);
}
