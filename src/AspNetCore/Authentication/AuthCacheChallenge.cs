using System.Globalization;
using AuthCache.GrainInterfaces;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// What a JwtBearer scheme that uses AuthCache answers for a refused token, after the application's own
/// <c>OnChallenge</c> (which may have handled the response): the reason code as <c>error_description</c>; 503 with
/// <c>Retry-After</c> when the issuer's keys cannot be had (not the caller's fault); 429 with <c>Retry-After</c> when
/// the resolver refused the token because the caller's address has sent more refused tokens than
/// <c>AuthCache:FailedAuthenticationLimit</c> allows (the resolver counts them, on every route).
/// </summary>
internal static class AuthCacheChallenge
{
    public static void Apply(JwtBearerChallengeContext context)
    {
        var reason = TokenFailure.ReasonOf(context.AuthenticateFailure);
        if (reason is null || context.Handled)
        {
            return;
        }

        if (context.Options.IncludeErrorDetails)
        {
            context.ErrorDescription = reason;
        }

        var response = context.Response;
        if (reason == AuthFailureReason.KeysUnavailable)
        {
            context.HandleResponse();
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers[HeaderNames.RetryAfter] = "5";
            response.Headers.Append(HeaderNames.WWWAuthenticate, $"{context.Options.Challenge} error=\"temporarily_unavailable\", error_description=\"{reason}\"");
            return;
        }

        if (reason == AuthFailureReason.TooManyFailures)
        {
            var limiter = context.HttpContext.RequestServices.GetRequiredService<FailedAuthenticationLimiter>();
            context.HandleResponse();
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers[HeaderNames.RetryAfter] = ((int)Math.Ceiling(limiter.Window.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }
}
