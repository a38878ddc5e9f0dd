namespace AuthCache.ApiHost.Hosting;

public static class OrleansClientExtensions
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private const int MaxConnectionAttempts = 30;

    /// <summary>
    /// An Orleans client of silo hosts on this machine ("Client" mode), through the gateways in
    /// <c>Orleans:GatewayPorts</c>. Start-up waits for the silos for about a minute before giving up.
    /// </summary>
    public static WebApplicationBuilder AddAuthCacheClient(this WebApplicationBuilder builder, OrleansHostingOptions orleans)
    {
        var attempts = 0;
        builder.UseOrleansClient(client => client
            .UseLocalhostClustering(orleans.GatewayPorts, orleans.ServiceId, orleans.ClusterId)
            .UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                if (++attempts >= MaxConnectionAttempts)
                {
                    return false;
                }

                await Task.Delay(RetryDelay, cancellationToken);
                return true;
            }));
        return builder;
    }
}
