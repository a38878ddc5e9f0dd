using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>A configured secret must be a usable Svix secret; the message never repeats it.</summary>
internal sealed class ClerkWebhookOptionsValidator : IValidateOptions<ClerkWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, ClerkWebhookOptions options) =>
        string.IsNullOrWhiteSpace(options.ClerkSigningSecret) || SvixSignatureVerifier.TryCreate(options.ClerkSigningSecret, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"AuthCache:Webhooks:ClerkSigningSecret (or {ClerkWebhookOptionsSetup.EnvironmentVariable}) must be a Svix signing secret: 'whsec_' followed by the base64 of at least {SvixSignatureVerifier.MinimumKeyBytes} bytes.");
}
