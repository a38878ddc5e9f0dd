namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>Polls a condition until it holds or a bounded time runs out: no fixed sleeps in the tests.</summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not within {timeout}: {what}.\n{diagnostics?.Invoke()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Exceptions of a probe (a refused connection, say) count as "not yet".</summary>
    public static Func<Task<bool>> Probe(Func<Task<bool>> probe) => async () =>
    {
        try
        {
            return await probe();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or StackExchange.Redis.RedisException or Orleans.Runtime.OrleansException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    };
}
