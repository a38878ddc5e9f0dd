using System.Diagnostics;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// The token handler <see cref="AuthCacheJwtBearerExtensions.UseAuthCache"/> puts in a JwtBearer scheme: resolves the
/// token through AuthCache (the request's resolver, so the endpoint asking again gets the same answer), applies the
/// scheme's own rules to the answer, and gives JwtBearer the identity it would have built, or the exception it
/// expects for the refusal. Created by <c>UseAuthCache</c>, bound to the application's services when the scheme's
/// options are built.
/// </summary>
internal sealed class AuthCacheTokenHandler(AuthCacheBearerOptions settings) : TokenHandler
{
    private const string Failed = "failure";

    private AuthCacheBearerServices? _services;

    public AuthCacheBearerOptions Settings => settings;

    /// <summary>The scheme's <c>JwtBearerOptions.MapInboundClaims</c>.</summary>
    public bool MapInboundClaims { get; set; } = true;

    public void Bind(AuthCacheBearerServices services) => _services = services;

    /// <summary>
    /// False while the application's AuthCache services (<c>AddAuthCache()</c>) have not completed the scheme.
    /// </summary>
    public bool IsBound => _services is not null;

    public override async Task<TokenValidationResult> ValidateTokenAsync(
        string token,
        TokenValidationParameters validationParameters)
    {
        var services = _services
            ?? throw new InvalidOperationException(
                "UseAuthCache() needs the AuthCache services: call services.AddAuthCache().");
        var started = Stopwatch.GetTimestamp();
        var resolution = await services.ResolveAsync(token, settings.ValidateInProcess);
        var answer = resolution.Outcome;
        if (!answer.IsValid)
        {
            services.Metrics.AuthenticationCompleted(started, Failed);
            var reason = answer.FailureReason ?? AuthFailureReason.Malformed;
            return Refused(
                reason == AuthFailureReason.Malformed
                    ? await TokenFailure.MalformedAsync(token)
                    : TokenFailure.For(reason, token));
        }

        var securityToken = new CachedSecurityToken(answer);
        if (SchemeRules.Check(answer, securityToken, validationParameters, services.Now) is { } violation)
        {
            services.RecordRefusal(AuthCacheFailure.ReasonOf(violation));
            services.Metrics.AuthenticationCompleted(started, Failed);
            return Refused(violation);
        }

        services.Metrics.AuthenticationCompleted(started, answer.FromCache ? "hit" : "miss");
        return new TokenValidationResult
        {
            IsValid = true,
            ClaimsIdentity = TokenPrincipalFactory.CreateIdentity(
                answer,
                securityToken,
                validationParameters,
                MapInboundClaims,
                token),
            SecurityToken = securityToken,
            Issuer = answer.Issuer,
            TokenType = "JWT",
        };
    }

    private static TokenValidationResult Refused(Exception failure) => new() { IsValid = false, Exception = failure };
}
