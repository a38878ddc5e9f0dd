using AuthCache.AspNetCore.Revocation;
using AuthCache.AspNetCore.Webhooks;
using AuthCache.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore;

public static class AuthCacheRevocationServiceCollectionExtensions
{
    /// <summary>
    /// What <see cref="CacheRevocationEndpoints.MapCacheRevocation"/> and
    /// <see cref="ClerkWebhookEndpoints.MapClerkWebhooks"/> need: the <see cref="Revoker"/> and the Clerk webhook
    /// options (<c>AuthCache:Webhooks</c> or <c>CLERK_WEBHOOK_SECRET</c>, validated at start). The silos apply the
    /// revocations (<c>AddAuthCacheGrains</c>).
    /// </summary>
    public static IServiceCollection AddAuthCacheRevocation(this IServiceCollection services)
    {
        services.AddAuthCacheCore();
        services.TryAddSingleton<Revoker>();
        services.TryAddSingleton<ClerkWebhookMetrics>();
        services.AddOptions<ClerkWebhookOptions>().BindConfiguration(ClerkWebhookOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ClerkWebhookOptions>, ClerkWebhookOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClerkWebhookOptions>, ClerkWebhookOptionsValidator>());
        return services;
    }
}
