namespace AuthCache.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or a bounded time runs out: no fixed sleeps in the tests.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within {timeout}: {what}.");
            await Task.Delay(50);
        }
    }
}
