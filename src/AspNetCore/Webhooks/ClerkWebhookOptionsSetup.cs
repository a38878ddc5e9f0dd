using AuthCache.Core.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>
/// Takes the secret from <c>CLERK_WEBHOOK_SECRET</c> (the name in Clerk's guides) unless set explicitly, and the
/// issuer from the Clerk instance whose profiles are fetched (<c>AuthCache:UserProfiles:Issuer</c>, which the Clerk
/// variables set) or, failing that, the only trusted issuer.
/// </summary>
internal sealed class ClerkWebhookOptionsSetup(IConfiguration configuration, IOptions<AuthCacheOptions> cacheOptions)
    : IPostConfigureOptions<ClerkWebhookOptions>
{
    public const string EnvironmentVariable = "CLERK_WEBHOOK_SECRET";

    public void PostConfigure(string? name, ClerkWebhookOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ClerkSigningSecret)
            && configuration[EnvironmentVariable] is { Length: > 0 } secret)
        {
            options.ClerkSigningSecret = secret;
        }

        var settings = cacheOptions.Value;
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            options.Issuer = settings.UserProfiles.Issuer
                ?? (settings.Issuers.Count == 1 ? settings.Issuers[0].Issuer : null);
        }
    }
}
