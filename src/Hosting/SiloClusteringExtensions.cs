using System.Net;
using AuthCache.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace AuthCache.Hosting;

internal static class SiloClusteringExtensions
{
    /// <summary>
    /// Joins the cluster the <c>Orleans</c> section describes. With a Redis connection string: Redis membership,
    /// reminders and <see cref="AuthCacheStorage.Name"/> grain storage over one shared connection, listening on every
    /// address and advertising <see cref="OrleansHostingOptions.AdvertisedIP"/>. Without: localhost clustering with
    /// in-memory reminders and storage, so one machine needs no external service.
    /// </summary>
    public static ISiloBuilder UseAuthCacheClustering(this ISiloBuilder silo, OrleansHostingOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.SiloName))
        {
            silo.Configure<SiloOptions>(o => o.SiloName = options.SiloName);
        }

        // First of all hosted services: Orleans starts the silo in its own, and the check must come before it.
        silo.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(new OrleansPortCheck(
            options.UsesRedis ? IPAddress.Any : IPAddress.Loopback,
            [("Orleans:SiloPort", options.SiloPort), ("Orleans:GatewayPort", options.GatewayPort)])));
        if (!options.UsesRedis)
        {
            var primary = options.PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
            return silo.UseLocalhostClustering(
                    options.SiloPort,
                    options.GatewayPort,
                    primary,
                    options.ServiceId,
                    options.ClusterId)
                .AddAuthCacheLocalPersistence();
        }

        var redis = new SharedRedisConnection(RedisConfiguration.From(options));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(redis);
        return silo
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            })
            .ConfigureEndpoints(
                options.AdvertisedAddress,
                options.SiloPort,
                options.GatewayPort,
                listenOnAnyHostAddress: true)
            .UseRedisClustering(o =>
            {
                o.ConfigurationOptions = RedisConfiguration.From(options);
                o.CreateMultiplexer = _ => redis.GetAsync();
            })
            .UseRedisReminderService(o =>
            {
                o.ConfigurationOptions = RedisConfiguration.From(options);
                o.CreateMultiplexer = _ => redis.GetAsync();
            })
            .AddRedisGrainStorage(AuthCacheStorage.Name, o =>
            {
                o.ConfigurationOptions = RedisConfiguration.From(options);
                o.CreateMultiplexer = _ => redis.GetAsync();
            });
    }
}
