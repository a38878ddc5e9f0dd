using StackExchange.Redis;

namespace AuthCache.Hosting;

internal static class RedisConfiguration
{
    /// <summary>
    /// A fresh configuration for each use. A process started while Redis is
    /// unreachable keeps reconnecting in the background instead of failing its first connect.
    /// </summary>
    public static ConfigurationOptions From(OrleansHostingOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Redis.ConnectionString!);
        configuration.AbortOnConnectFail = false;
        return configuration;
    }
}
