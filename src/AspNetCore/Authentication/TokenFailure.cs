using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// An AuthCache refusal as the exception JwtBearer and its events expect for it (an expired token is a
/// <see cref="SecurityTokenExpiredException"/>, a bad signature a <see cref="SecurityTokenInvalidSignatureException"/>…),
/// carrying AuthCache's reason code. The message is the reason code alone: safe to log.
/// </summary>
internal static class TokenFailure
{
    private const string ReasonKey = "authcache:reason";

    public static Exception For(string reason)
    {
        Exception exception = reason switch
        {
            AuthFailureReason.Expired => new SecurityTokenExpiredException(reason),
            AuthFailureReason.NotYetValid => new SecurityTokenNotYetValidException(reason),
            AuthFailureReason.LifetimeTooLong => new SecurityTokenInvalidLifetimeException(reason),
            AuthFailureReason.BadSignature => new SecurityTokenInvalidSignatureException(reason),
            AuthFailureReason.UnknownKey => new SecurityTokenSignatureKeyNotFoundException(reason),
            AuthFailureReason.UnknownIssuer => new SecurityTokenInvalidIssuerException(reason),
            AuthFailureReason.InvalidAudience => new SecurityTokenInvalidAudienceException(reason),
            AuthFailureReason.AlgorithmNotAllowed => new SecurityTokenInvalidAlgorithmException(reason),
            AuthFailureReason.Malformed or AuthFailureReason.TokenTooLarge => new SecurityTokenMalformedException(reason),
            _ => new SecurityTokenValidationException(reason),
        };
        return Tag(exception, reason);
    }

    /// <summary>The same exception with AuthCache's reason code, for a failure a scheme's own rules found.</summary>
    public static T Tag<T>(T exception, string reason)
        where T : Exception
    {
        exception.Data[ReasonKey] = reason;
        return exception;
    }

    /// <summary>The reason code of an AuthCache refusal, or null for any other failure.</summary>
    public static string? ReasonOf(Exception? failure) => failure?.Data[ReasonKey] as string;
}
