using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.Grains.Administration;
using AuthCache.Grains.Diagnostics;
using AuthCache.Grains.Revocation;
using AuthCache.Grains.Security;
using AuthCache.Grains.StateProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;

namespace AuthCache.Grains;

/// <summary>Adds the AuthCache grains and the services they need to an Orleans silo.</summary>
public static class AuthCacheSiloBuilderExtensions
{
    /// <summary>
    /// How often each silo samples its counters for the dashboard. Orleans' default (1 s) wakes every silo's thread
    /// pool every second even when nobody watches; a dashboard user reads trends, which 5 s samples show as well.
    /// </summary>
    internal const int DashboardCounterUpdateIntervalMs = 5000;

    /// <summary>
    /// How often a silo looks for idle stateless workers to remove. <c>CacheAdminGrain</c>, the only stateless worker
    /// here, serves rare operator calls; Orleans' default (twice a second) kept every silo that had one waking for it.
    /// </summary>
    internal static readonly TimeSpan StatelessWorkerInspectionPeriod = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The services the AuthCache grains need on every silo (options, validator, HTTP clients), the JWKS
    /// pre-population and maintenance, the per-silo cache service behind the cluster-wide statistics, the eviction of
    /// this silo's entries by the invalidations its subscription receives,
    /// the subscription of this process's copy of the revocation list and the index of the validations it can
    /// drop, and the Orleans Dashboard unless
    /// <c>AuthCache:Dashboard:Enabled</c> is false. The host also registers a
    /// reminder service and the <see cref="AuthCacheStorage.Name"/> grain storage (see
    /// <see cref="AddAuthCacheLocalPersistence"/>).
    /// </summary>
    public static ISiloBuilder AddAuthCacheGrains(this ISiloBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(SiloCacheRegistry)))
        {
            return builder;
        }

        builder.Services.AddAuthCacheCore();
        builder.Services.AddSingleton<JwksMaintenanceService>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp =>
            sp.GetRequiredService<JwksMaintenanceService>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<SiloCacheRegistry>();
        builder.Services.TryAddSingleton<EvictedProfiles>();
        builder.Services.TryAddSingleton<ISiloCacheServiceClient, SiloCacheServiceClient>();
        builder.AddGrainService<SiloCacheService>();
        builder.Services.TryAddSingleton<ILocalCacheEviction, SiloCacheEviction>();
        builder.Services.Replace(ServiceDescriptor.Singleton(AuthCacheProcess.Silo));
        builder.Services.AddSingleton<SiloValidationIndex>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloRevocationSubscription>();
        builder
            .Services.AddOptions<GrainDirectoryOptions>()
            .Configure<IOptions<AuthCacheOptions>>(
                (directory, options) => directory.CacheSize = options.Value.DirectoryCacheSize);
        builder
            .Services.AddOptions<GrainCollectionOptions>()
            .Configure<IOptions<AuthCacheOptions>>(
                (collection, options) => ApplyMemoryShedding(collection, options.Value.MemoryShedding));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ActiveSilosMetric>();
        builder.Services.AddSingleton<ITypeConverter, FormerStateTypeNames>();
        builder
            .Services.AddOptions<StateProtectionOptions>()
            .BindConfiguration(StateProtectionOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StateProtectionOptions>, StateProtectionOptionsValidator>();
        builder.Services.AddSingleton<GrainStateProtector>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp =>
            sp.GetRequiredService<GrainStateProtector>());
        builder.Services.Configure<StatelessWorkerOptions>(workers =>
            workers.IdleWorkersInspectionPeriod = StatelessWorkerInspectionPeriod);
        builder.Services.AddSingleton<
            IPostConfigureOptions<Polly.Telemetry.TelemetryOptions>,
            QuietPlacementTelemetry
        >();
        return builder.AddAuthCacheDashboard();
    }

    /// <summary>
    /// Refuses calls from Orleans clients (API hosts in client mode among them) to the grain methods marked
    /// <c>[SiloOnly]</c>: the cluster's own bookkeeping, which no host needs. A test cluster that drives those
    /// methods from its client leaves it out.
    /// </summary>
    public static ISiloBuilder AddAuthCacheSiloOnlyCalls(this ISiloBuilder builder) =>
        builder.AddIncomingGrainCallFilter<SiloOnlyCallFilter>();

    /// <summary>
    /// In-memory reminders and grain storage, for a single local silo or a test cluster. Without a configured
    /// <c>Orleans:StateProtection:Key</c>, a key made at start authenticates the stored state, which no process outside
    /// the cluster can write.
    /// </summary>
    public static ISiloBuilder AddAuthCacheLocalPersistence(this ISiloBuilder builder)
    {
        builder.Services.AddSingleton<IPostConfigureOptions<StateProtectionOptions>, LocalStateProtectionKey>();
        return builder
            .UseInMemoryReminderService()
            .AddMemoryGrainStorage(AuthCacheStorage.Name);
    }

    /// <summary>
    /// Orleans deactivates the least recently used activations (token grains, nearly all of them) when the managed
    /// heap passes the limit, down to the target; a shed token is validated again on its next request.
    /// </summary>
    private static void ApplyMemoryShedding(GrainCollectionOptions collection, MemorySheddingOptions shedding)
    {
        collection.EnableActivationSheddingOnMemoryPressure = shedding.Enabled;
        if (shedding.Enabled)
        {
            collection.MemoryUsageLimitPercentage = shedding.LimitPercentage;
            collection.MemoryUsageTargetPercentage = shedding.TargetPercentage;
            collection.MemoryUsagePollingPeriod = shedding.PollingPeriod;
        }
    }

    private static ISiloBuilder AddAuthCacheDashboard(this ISiloBuilder builder)
    {
        var options = builder
            .Configuration.GetSection(AuthCacheDashboardOptions.SectionName)
            .Get<AuthCacheDashboardOptions>()
            ?? new();
        if (!options.Enabled)
        {
            return builder;
        }

        builder.AddDashboard(dashboard =>
        {
            dashboard.HideTrace = options.HideTrace;
            dashboard.CounterUpdateIntervalMs = DashboardCounterUpdateIntervalMs;
        });
        builder.Services.Configure<GrainProfilerOptions>(profiler => profiler.TraceAlways = options.TraceAlways);
        return builder;
    }
}
