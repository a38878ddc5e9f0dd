using AuthCache.Hosting.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Messaging;

namespace AuthCache.Hosting;

internal static class ClientClusteringExtensions
{
    /// <summary>
    /// An Orleans client of the silos listed in the Redis membership table, which it only reads. It connects in the
    /// background and keeps retrying, so the host starts and serves (validating tokens itself) while no silo is
    /// reachable.
    /// </summary>
    /// <param name="builder">The API host's builder.</param>
    /// <param name="options">The <c>Orleans</c> section: cluster ids and the Redis connection.</param>
    /// <param name="tls">Connect to the gateways over mutual TLS with <c>Orleans:Tls</c>'s client certificate.</param>
    public static IHostApplicationBuilder UseAuthCacheClusterClient(
        this IHostApplicationBuilder builder,
        OrleansHostingOptions options,
        bool tls)
    {
        var hostedBefore = builder.Services.Where(IsHostedService).ToHashSet();
        builder.UseOrleansClient(client =>
        {
            client
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                })
                .Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod)
                .UseConnectionRetryFilter<ClusterConnectionRetryFilter>();
            client.Services.AddSingleton<IGatewayListProvider>(sp =>
                ActivatorUtilities.CreateInstance<ReadOnlyRedisGatewayList>(sp, options));
            if (tls)
            {
                client.UseAuthCacheTls(options.Tls);
            }
        });

        // Orleans starts its client as a hosted service that the host awaits; connecting to a cluster that is
        // down would hold the whole start. The same services run instead from one background connection.
        var orleansHosted = builder.Services.Where(d => IsHostedService(d) && !hostedBefore.Contains(d)).ToList();
        foreach (var descriptor in orleansHosted)
        {
            builder.Services.Remove(descriptor);
        }

        builder.Services.AddHostedService(sp => new BackgroundClusterConnection(
            orleansHosted.Select(d => Resolve(sp, d)).ToList(),
            sp.GetRequiredService<ILogger<BackgroundClusterConnection>>()));
        return builder;
    }

    private static bool IsHostedService(ServiceDescriptor descriptor) =>
        descriptor.ServiceType == typeof(IHostedService);

    private static IHostedService Resolve(IServiceProvider services, ServiceDescriptor descriptor) => (IHostedService)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.GetServiceOrCreateInstance(services, descriptor.ImplementationType!));
}
