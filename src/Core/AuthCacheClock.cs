namespace AuthCache.Core;

/// <summary>
/// The clock behind every expiry decision of the cache (token TTL, key freshness, cooldowns). It is registered
/// apart from the host's <see cref="System.TimeProvider"/> so tests can drive token lifetimes with a fake clock
/// without freezing Orleans' own membership and timers.
/// </summary>
internal sealed class AuthCacheClock(TimeProvider timeProvider)
{
    public static AuthCacheClock System { get; } = new(TimeProvider.System);

    public TimeProvider TimeProvider { get; } = timeProvider;

    public DateTimeOffset UtcNow => TimeProvider.GetUtcNow();
}
