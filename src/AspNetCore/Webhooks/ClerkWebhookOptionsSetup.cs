using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>Takes the secret from <c>CLERK_WEBHOOK_SECRET</c> (the name in Clerk's guides) unless set explicitly.</summary>
internal sealed class ClerkWebhookOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<ClerkWebhookOptions>
{
    public const string EnvironmentVariable = "CLERK_WEBHOOK_SECRET";

    public void PostConfigure(string? name, ClerkWebhookOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ClerkSigningSecret) && configuration[EnvironmentVariable] is { Length: > 0 } secret)
        {
            options.ClerkSigningSecret = secret;
        }
    }
}
