using System.Runtime.CompilerServices;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// Completes every JwtBearer scheme that called <see cref="AuthCacheJwtBearerExtensions.UseAuthCache"/> once its
/// options are built: binds its token handler and configuration manager to the application's services, adds
/// AuthCache's challenge after the application's own <c>OnChallenge</c> (and the opt-in session cookie after its
/// <c>OnMessageReceived</c>), and refuses at start what AuthCache cannot honour.
/// </summary>
internal sealed class AuthCacheJwtBearerSetup(
    AuthCacheBearerServices services,
    LocalJwksKeySource keys,
    IOptionsMonitor<AuthCacheOptions> cacheOptions
) : IPostConfigureOptions<JwtBearerOptions>, IValidateOptions<JwtBearerOptions>
{
    // An events instance shared by several schemes gets AuthCache's steps once.
    private static readonly ConditionalWeakTable<JwtBearerEvents, object> Composed = [];

    public static AuthCacheTokenHandler? HandlerOf(JwtBearerOptions options) =>
        options.TokenHandlers.OfType<AuthCacheTokenHandler>().FirstOrDefault();

    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        if (HandlerOf(options) is not { } handler)
        {
            return;
        }

        handler.Bind(services);
        handler.MapInboundClaims = options.MapInboundClaims;
        if (options.ConfigurationManager is AuthCacheConfigurationManager manager)
        {
            manager.Bind(keys, cacheOptions, options.Authority);
        }

        var events = options.Events ??= new JwtBearerEvents();
        if (!Composed.TryAdd(events, handler))
        {
            return;
        }

        var challenge = events.OnChallenge;
        events.OnChallenge = async context =>
        {
            AuthCacheChallenge.Describe(context);
            await challenge(context);
            AuthCacheChallenge.Apply(context);
        };
        if (handler.Settings.ReadClerkSessionCookie)
        {
            var messageReceived = events.OnMessageReceived;
            events.OnMessageReceived = async context =>
            {
                await messageReceived(context);
                if (context.Result is null && string.IsNullOrEmpty(context.Token))
                {
                    context.Token = ClerkSessionCookie.Read(context.Request);
                }
            };
        }
    }

    public ValidateOptionsResult Validate(string? name, JwtBearerOptions options)
    {
        if (HandlerOf(options) is null)
        {
            return ValidateOptionsResult.Skip;
        }

        var scheme = $"The JwtBearer scheme '{name}' uses AuthCache";
        var failures = new List<string>();
        if (options.TokenHandlers.Count != 1 || options.UseSecurityTokenValidators)
        {
            failures.Add(
                $"{scheme}: leave its TokenHandlers to UseAuthCache() and do not set UseSecurityTokenValidators.");
        }

        if (options.ConfigurationManager is not AuthCacheConfigurationManager || options.Configuration is not null)
        {
            failures.Add(
                $"{scheme}: its configuration comes from the cluster; do not set ConfigurationManager or Configuration "
                    + "after UseAuthCache().");
        }

        if (AuthorityIssuer.Refusal(scheme, options.Authority, cacheOptions.CurrentValue) is { } refusal)
        {
            failures.Add(refusal);
        }

        var parameters = options.TokenValidationParameters;
        var unsupported = new (bool Set, string Setting, string Why)[]
        {
            (
                parameters.IssuerSigningKey is not null
                    || parameters.IssuerSigningKeys?.Any() == true
                    || parameters.IssuerSigningKeyResolver is not null,
                "IssuerSigningKey(s) and IssuerSigningKeyResolver",
                "the signing keys come from each issuer's JWKS (AuthCache:Issuers)"),
            (
                parameters.SignatureValidator is not null || parameters.IssuerSigningKeyValidator is not null,
                "SignatureValidator and IssuerSigningKeyValidator",
                "AuthCache verifies signatures once for the cluster"),
            (
                parameters.TokenDecryptionKey is not null
                    || parameters.TokenDecryptionKeys?.Any() == true
                    || parameters.TokenDecryptionKeyResolver is not null,
                "TokenDecryptionKey(s) and TokenDecryptionKeyResolver",
                "encrypted tokens (JWE) are refused"),
            (
                parameters.ValidateTokenReplay
                    || parameters.TokenReplayValidator is not null
                    || parameters.TokenReplayCache is not null,
                "token replay validation",
                "a cached token is meant to be presented many times"),
            (
                parameters.ValidTypes?.Any() == true || parameters.TypeValidator is not null,
                "ValidTypes and TypeValidator",
                "the token's typ header is not kept with its cached answer"),
            (
                parameters.ValidAlgorithms?.Any() == true
                    && SigningAlgorithms
                        .AcceptedByAnyIssuer(cacheOptions.CurrentValue)
                        .Except(parameters.ValidAlgorithms)
                        .Any(),
                "ValidAlgorithms narrower than what the trusted issuers may accept",
                "pin each issuer's algorithms with AuthCache:Issuers:N:Algorithms (unpinned, an issuer accepts the "
                    + "algorithms of its keys)"),
        };
        failures.AddRange(
            unsupported
                .Where(u => u.Set)
                .Select(u => $"{scheme}: TokenValidationParameters' {u.Setting} cannot be honoured: {u.Why}."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
