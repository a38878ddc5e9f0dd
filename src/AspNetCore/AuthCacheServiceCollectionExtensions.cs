using AuthCache.AspNetCore.Authentication;
using AuthCache.AspNetCore.Caching;
using AuthCache.AspNetCore.Caching.Internals;
using AuthCache.AspNetCore.Health;
using AuthCache.AspNetCore.Revocation;
using AuthCache.AspNetCore.Statistics;
using AuthCache.AspNetCore.Webhooks;
using AuthCache.Core;
using AuthCache.Core.Options;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore;

/// <summary>Registers what an API host needs to authenticate its requests through the AuthCache cluster.</summary>
public static class AuthCacheServiceCollectionExtensions
{
    /// <summary>
    /// What an API host needs to authenticate through AuthCache (then <c>AddJwtBearer(o => o.UseAuthCache())</c>):
    /// the options (<c>AuthCache</c> section, then <paramref name="configure"/>, validated at start), the request
    /// cache and resolver, the near cache, this host's copy of the revocation list (when it does not host a silo),
    /// the signing keys mirrored from the cluster for the hedge and the fallback, the reporting of this host's
    /// counters, the health checks, and what the revoke endpoint and the Clerk webhooks need (the Clerk webhook
    /// options: <c>AuthCache:Webhooks</c> or <c>CLERK_WEBHOOK_SECRET</c>, validated at start when a secret is set).
    /// Needs an <see cref="IGrainFactory"/>: a co-hosted silo or an Orleans client.
    /// </summary>
    public static IServiceCollection AddAuthCache(
        this IServiceCollection services,
        Action<AuthCacheOptions>? configure = null)
    {
        services.AddAuthCacheCore();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(AuthCacheTokenResolver)))
        {
            return services;
        }

        services.AddHttpContextAccessor();
        services.TryAddScoped(_ => new RequestAuthCache());
        var createResolver = ActivatorUtilities.CreateFactory<TokenResolver>([]);
        services.TryAddScoped<AuthCacheTokenResolver>(sp => createResolver(sp, null));
        services.TryAddSingleton<ClusterAvailability>();
        services.TryAddSingleton<TokenNearCache>();
        services.TryAddSingleton<ProfileCopies>();
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<GrainAnswers>(WithCluster(sp)));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<HedgedGrainCall>(WithCluster(sp)));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<NearCacheRefresher>(WithCluster(sp)));
        services.TryAddSingleton<ReplicaFreshness>();
        services.TryAddSingleton<ApiHostIdentity>();
        services.TryAddSingleton<AuthCacheBearerServices>();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IPostConfigureOptions<JwtBearerOptions>, AuthCacheJwtBearerSetup>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<JwtBearerOptions>, AuthCacheJwtBearerSetup>());
        services.AddHostedService<AuthCacheSchemeCheck>();

        // A client of the cluster keeps its own copy of the revocation list (a silo's process has its silo's).
        services.AddSingleton<HostRevocationSubscription>();
        services.AddHostedService(sp => WithCluster(sp).GetRequiredService<HostRevocationSubscription>());
        services.AddSingleton<IClusterConnectionStatusObserver>(sp =>
            sp.GetRequiredService<HostRevocationSubscription>());
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<ClusterKeyMirror>(WithCluster(sp)));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterKeyMirror>());
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ApiHostCountersReporter>(WithCluster(sp)));
        services.AddHostedService(sp => sp.GetRequiredService<ApiHostCountersReporter>());

        services
            .AddOptions<FailedAuthenticationLimitOptions>()
            .BindConfiguration(FailedAuthenticationLimitOptions.SectionName)
            .Validate(
                o => o.PermitLimit > 0 && o.Window > TimeSpan.Zero,
                "AuthCache:FailedAuthenticationLimit needs a positive PermitLimit and Window.")
            .ValidateOnStart();
        services.TryAddSingleton<FailedAuthenticationLimiter>();
        services.AddHealthChecks().AddAuthCacheHealthChecks();
        AddRevocation(services);
        return services;
    }

    /// <summary>
    /// The services, once an Orleans cluster is registered. AuthCache's services that need one are registered by
    /// factory (so neither the container's validation at build, on in Development, nor its activation refuses them
    /// first) and its hosted services ask here, so a host started without <c>AddAuthCacheCluster()</c> stops with one
    /// line instead of the container's error for each service that cannot be built.
    /// </summary>
    private static IServiceProvider WithCluster(IServiceProvider services) =>
        services.GetService(typeof(IGrainFactory)) is not null
            ? services
            : throw new AuthCacheStartupException(
                "AddAuthCache() needs an Orleans cluster and none is registered (no IGrainFactory): add "
                    + "builder.AddAuthCacheCluster() "
                    + "(using AuthCache.Hosting) for an embedded silo or a client of your silos (Orleans:Mode), or "
                    + "register your own Orleans client first.");

    /// <summary>The revoke endpoint's and the Clerk webhooks' services; the silos apply the revocations.</summary>
    private static void AddRevocation(IServiceCollection services)
    {
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<Revoker>(WithCluster(sp)));
        services.TryAddSingleton<ClerkWebhookMetrics>();
        services.TryAddSingleton<ClerkWebhookConcurrency>();
        services.AddOptions<ClerkWebhookOptions>().BindConfiguration(ClerkWebhookOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IPostConfigureOptions<ClerkWebhookOptions>, ClerkWebhookOptionsSetup>());
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ClerkWebhookOptions>, ClerkWebhookOptionsValidator>());
    }
}
