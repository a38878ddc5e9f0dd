using System.Diagnostics;
using System.Text.Encodings.Web;
using AuthCache.AspNetCore.Caching;
using AuthCache.Core.Diagnostics;
using AuthCache.GrainInterfaces;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// Bearer authentication shared by the cached and the direct scheme: token from the <c>Authorization</c> header,
/// resolution through the request-scoped resolver, and JwtBearer-compatible challenges carrying the reason code
/// (<c>WWW-Authenticate: Bearer error="invalid_token", error_description="expired"</c>).
/// </summary>
public abstract partial class TokenAuthenticationHandlerBase(
    IOptionsMonitor<AuthCacheAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AuthCacheMetrics metrics)
    : AuthenticationHandler<AuthCacheAuthenticationOptions>(options, logger, encoder)
{
    protected abstract ValueTask<TokenResolution> ResolveAsync(AuthCacheTokenResolver resolver, string token);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken.From(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var started = Stopwatch.GetTimestamp();
        var resolver = Context.RequestServices.GetRequiredService<AuthCacheTokenResolver>();
        TokenResolution resolution;
        try
        {
            resolution = await ResolveAsync(resolver, token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A token must never turn into a 500: whatever the input broke is answered as malformed.
            LogResolutionFailed(Logger, ex.GetType().Name);
            return AuthenticateResult.Fail(new TokenAuthenticationException(AuthFailureReason.Malformed));
        }

        var result = resolution.Result;
        metrics.AuthenticationCompleted(started, !result.IsValid ? "failure" : result.FromCache ? "hit" : "miss");
        if (!result.IsValid)
        {
            return AuthenticateResult.Fail(new TokenAuthenticationException(result.FailureReason ?? AuthFailureReason.Malformed));
        }

        var principal = TokenPrincipalFactory.Create(result, Scheme.Name, Options.NameClaimType, Options.RoleClaimType);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var outcome = await HandleAuthenticateOnceSafeAsync();
        var reason = (outcome.Failure as TokenAuthenticationException)?.Reason;
        if (reason == AuthFailureReason.KeysUnavailable)
        {
            // Not the caller's fault: the issuer's keys could not be had. Retryable, so 503 rather than 401.
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers[HeaderNames.RetryAfter] = "5";
            Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Bearer error=\"temporarily_unavailable\", error_description=\"{reason}\"");
            return;
        }

        var limiter = Context.RequestServices.GetRequiredService<FailedAuthenticationLimiter>();
        if (reason is not null && !limiter.TryRecordFailure(Context.Connection.RemoteIpAddress))
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers[HeaderNames.RetryAfter] = ((int)Math.Ceiling(limiter.Window.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(
            HeaderNames.WWWAuthenticate,
            reason is null ? "Bearer" : $"Bearer error=\"invalid_token\", error_description=\"{reason}\"");
    }

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "Resolving a bearer token failed unexpectedly ({ErrorType}); answered 401 malformed.")]
    private static partial void LogResolutionFailed(ILogger logger, string errorType);
}
