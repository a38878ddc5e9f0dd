using StackExchange.Redis;

namespace AuthCache.Hosting;

/// <summary>
/// The one Redis connection a silo's membership table, reminder table and grain storage share. Each Orleans provider
/// would otherwise open its own, and every connection beats its heart each second, waking the thread pool of an idle
/// silo three times as often as one. The providers are told it is shared, so none of them closes it; the silo closes
/// it once its whole lifecycle has stopped.
/// </summary>
internal sealed class SharedRedisConnection : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;

    public SharedRedisConnection(ConfigurationOptions configuration) =>
        _connection = new(
            async () => await ConnectionMultiplexer.ConnectAsync(configuration),
            LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The providers' <c>CreateMultiplexer</c>: the connection, marked shared so no provider disposes it.
    /// </summary>
    public async Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> GetAsync() =>
        (await _connection.Value, true);

    // The first stage to start is the last to stop: no provider writes to Redis after it.
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(SharedRedisConnection),
            ServiceLifecycleStage.First,
            _ => Task.CompletedTask,
            async _ => await DisposeAsync());

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await _connection.Value.Result.DisposeAsync();
        }
    }
}
