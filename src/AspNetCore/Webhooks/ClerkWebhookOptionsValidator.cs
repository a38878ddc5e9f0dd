using AuthCache.Core.Options;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>
/// The concurrency bound must let deliveries through; a configured secret must be a usable Svix secret (the message
/// never repeats it), and the webhooks' issuer one of the trusted issuers.
/// </summary>
internal sealed class ClerkWebhookOptionsValidator(IOptions<AuthCacheOptions> cacheOptions)
    : IValidateOptions<ClerkWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, ClerkWebhookOptions options)
    {
        if (options.MaxConcurrency < 1 || options.QueueLimit < 0)
        {
            return ValidateOptionsResult.Fail(
                $"AuthCache:Webhooks:MaxConcurrency must be at least 1 (it is {options.MaxConcurrency}) and "
                    + $"AuthCache:Webhooks:QueueLimit at least 0 (it is {options.QueueLimit}).");
        }

        if (string.IsNullOrWhiteSpace(options.ClerkSigningSecret))
        {
            return ValidateOptionsResult.Success;
        }

        if (!SvixSignatureVerifier.TryCreate(options.ClerkSigningSecret, out _))
        {
            return ValidateOptionsResult.Fail(
                $"AuthCache:Webhooks:ClerkSigningSecret (or {ClerkWebhookOptionsSetup.EnvironmentVariable}) must be a "
                    + "Svix signing secret: 'whsec_' followed by the base64 of at least "
                    + $"{SvixSignatureVerifier.MinimumKeyBytes} bytes.");
        }

        return cacheOptions.Value.FindIssuer(options.Issuer) is null
            ? ValidateOptionsResult.Fail(
                "AuthCache:Webhooks:Issuer must name the issuer of the Clerk instance that sends the webhooks, one of "
                    + "AuthCache:Issuers (left out: AuthCache:UserProfiles:Issuer, or the only trusted issuer).")
            : ValidateOptionsResult.Success;
    }
}
