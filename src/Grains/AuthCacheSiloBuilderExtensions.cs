using AuthCache.Core;
using AuthCache.Core.Revocation;
using AuthCache.Grains.Revocation;
using Microsoft.Extensions.DependencyInjection;

namespace AuthCache.Grains;

public static class AuthCacheSiloBuilderExtensions
{
    /// <summary>
    /// The services the AuthCache grains need on every silo (options, validator, HTTP clients), the JWKS
    /// pre-population and maintenance, and the silo's copy of the revocation list. The host also registers a
    /// reminder service and the <see cref="AuthCacheStorage.Name"/> grain storage (see
    /// <see cref="AddAuthCacheLocalPersistence"/>).
    /// </summary>
    public static ISiloBuilder AddAuthCacheGrains(this ISiloBuilder builder)
    {
        builder.Services.AddAuthCacheCore();
        builder.Services.AddSingleton<JwksMaintenanceService>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<JwksMaintenanceService>());
        builder.Services.AddSingleton<SiloRevocationCache>();
        builder.Services.AddSingleton<ITokenRevocationCheck>(sp => sp.GetRequiredService<SiloRevocationCache>());
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloRevocationCache>());
        return builder;
    }

    /// <summary>In-memory reminders and grain storage, for a single local silo or a test cluster.</summary>
    public static ISiloBuilder AddAuthCacheLocalPersistence(this ISiloBuilder builder) => builder
        .UseInMemoryReminderService()
        .AddMemoryGrainStorage(AuthCacheStorage.Name);
}
