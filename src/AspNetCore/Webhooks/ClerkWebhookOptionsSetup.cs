using AuthCache.Core.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>
/// Takes the secret from <c>CLERK_WEBHOOK_SECRET</c> (the name in Clerk's guides) unless set explicitly, and the
/// issuer from the configuration when only one issuer is trusted.
/// </summary>
internal sealed class ClerkWebhookOptionsSetup(IConfiguration configuration, IOptions<AuthCacheOptions> cacheOptions) : IPostConfigureOptions<ClerkWebhookOptions>
{
    public const string EnvironmentVariable = "CLERK_WEBHOOK_SECRET";

    public void PostConfigure(string? name, ClerkWebhookOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ClerkSigningSecret) && configuration[EnvironmentVariable] is { Length: > 0 } secret)
        {
            options.ClerkSigningSecret = secret;
        }

        var issuers = cacheOptions.Value.Issuers;
        if (string.IsNullOrWhiteSpace(options.Issuer) && issuers.Count == 1)
        {
            options.Issuer = issuers[0].Issuer;
        }
    }
}
