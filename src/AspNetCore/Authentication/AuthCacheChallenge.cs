using System.Globalization;
using AuthCache.GrainInterfaces;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// What a JwtBearer scheme that uses AuthCache answers for a refused token. Before the application's own
/// <c>OnChallenge</c>: the answer it should get (<see cref="IAuthCacheFailureFeature"/>) and, where JwtBearer's
/// description of the exception is empty, a sentence of AuthCache's. After it (unless it handled the response): the
/// reason code as <c>error_description</c>; 503 with <c>Retry-After</c> when the issuer's keys cannot be had (not
/// the caller's fault); 429 with <c>Retry-After</c> when the resolver refused the token because the caller's address
/// has sent more refused tokens than <c>AuthCache:FailedAuthenticationLimit</c> allows (the resolver counts them, on
/// every route).
/// </summary>
internal static class AuthCacheChallenge
{
    private static readonly TimeSpan KeysRetryAfter = TimeSpan.FromSeconds(5);

    public static void Describe(JwtBearerChallengeContext context)
    {
        var reason = AuthCacheFailure.ReasonOf(context.AuthenticateFailure);
        if (reason is null)
        {
            return;
        }

        var (status, retryAfter) = reason switch
        {
            AuthFailureReason.KeysUnavailable => (StatusCodes.Status503ServiceUnavailable, KeysRetryAfter),
            AuthFailureReason.TooManyFailures => (
                StatusCodes.Status429TooManyRequests,
                (TimeSpan?)context.HttpContext.RequestServices.GetRequiredService<FailedAuthenticationLimiter>().Window
            ),
            _ => (StatusCodes.Status401Unauthorized, null),
        };
        context.HttpContext.Features.Set<IAuthCacheFailureFeature>(
            new AuthCacheFailureFeature(reason, status, retryAfter));
        if (context.Options.IncludeErrorDetails
            && string.IsNullOrEmpty(context.ErrorDescription)
            && Sentence(reason) is { } sentence)
        {
            context.ErrorDescription = sentence;
        }
    }

    public static void Apply(JwtBearerChallengeContext context)
    {
        if (context.Handled || context.HttpContext.Features.Get<IAuthCacheFailureFeature>() is not { } failure)
        {
            return;
        }

        if (context.Options.IncludeErrorDetails)
        {
            context.ErrorDescription = failure.Reason;
        }

        if (failure.StatusCode == StatusCodes.Status401Unauthorized)
        {
            return;
        }

        var response = context.Response;
        context.HandleResponse();
        response.StatusCode = failure.StatusCode;
        response.Headers[HeaderNames.RetryAfter] = ((int)Math.Ceiling(failure.RetryAfter!.Value.TotalSeconds)).ToString(
            CultureInfo.InvariantCulture);
        if (failure.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.Append(
                HeaderNames.WWWAuthenticate,
                $"{context.Options.Challenge} error=\"temporarily_unavailable\", error_description=\"{failure.Reason}\""
            );
        }
    }

    /// <summary>
    /// For the refusals JwtBearer has no words for (JwtBearer describes only lifetime, audience, issuer and signature
    /// failures).
    /// </summary>
    private static string? Sentence(string reason) => reason switch
    {
        AuthFailureReason.Revoked => "The token has been revoked",
        AuthFailureReason.SessionPending => "The session is pending",
        AuthFailureReason.InvalidAuthorizedParty => "The authorized party is invalid",
        AuthFailureReason.KeysUnavailable => "The issuer's signing keys are unavailable",
        AuthFailureReason.TooManyFailures => "Too many refused tokens from this address",
        _ => null,
    };
}
