using Microsoft.Extensions.Logging;

namespace AuthCache.AspNetCore.Caching;

/// <summary>
/// Tracks fallback episodes so an unreachable cluster is logged once when it goes and once when it returns.
/// </summary>
internal sealed partial class ClusterAvailability(ILogger<ClusterAvailability> logger)
{
    private int _unavailable;

    public bool IsUnavailable => Volatile.Read(ref _unavailable) == 1;

    public void Failed(Exception exception)
    {
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            LogFallbackStarted(logger, exception.GetType().Name);
        }
    }

    public void Succeeded()
    {
        if (Volatile.Read(ref _unavailable) == 1 && Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            LogFallbackEnded(logger);
        }
    }

    [LoggerMessage(
        EventId = 3101,
        Level = LogLevel.Warning,
        Message = "The Orleans cluster did not answer ({ErrorType}); validating tokens directly until it does.")]
    private static partial void LogFallbackStarted(ILogger logger, string errorType);

    [LoggerMessage(
        EventId = 3102,
        Level = LogLevel.Information,
        Message = "The Orleans cluster answers again; tokens are resolved through the cache.")]
    private static partial void LogFallbackEnded(ILogger logger);
}
