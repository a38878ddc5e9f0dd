using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// An AuthCache refusal as the exception JwtBearer gives for the same case (an expired token is a
/// <see cref="SecurityTokenExpiredException"/> carrying the token's expiry, a refused algorithm a
/// <see cref="SecurityTokenInvalidSignatureException"/>…), so JwtBearer's <c>ErrorDescription</c> and an application's
/// <c>is</c> checks read true values; AuthCache's reason code rides in <see cref="Exception.Data"/> under
/// <see cref="AuthCacheFailure.ReasonDataKey"/>. The message is the reason code alone: safe to log.
/// </summary>
internal static class TokenFailure
{
    private static readonly JsonWebTokenHandler Reader = new();

    // No keys: reading a token against these never accepts it, and fails first where the token does not read.
    private static readonly TokenValidationParameters Unchecked = new();

    /// <summary>
    /// The refusal of <paramref name="token"/>, read again only for the reasons whose exception names its claims.
    /// </summary>
    public static Exception For(string reason, string token) =>
        For(
            reason,
            reason
                is AuthFailureReason.Expired
                    or AuthFailureReason.NotYetValid
                    or AuthFailureReason.LifetimeTooLong
                    or AuthFailureReason.UnknownIssuer
                    or AuthFailureReason.InvalidAudience
                ? TokenFacts.Of(token)
                : default);

    public static Exception For(string reason, TokenFacts facts)
    {
        Exception exception = reason switch
        {
            AuthFailureReason.Expired => new SecurityTokenExpiredException(reason)
            {
                Expires = facts.Expires ?? default,
            },
            AuthFailureReason.NotYetValid => new SecurityTokenNotYetValidException(reason)
            {
                NotBefore = facts.NotBefore ?? default,
            },
            AuthFailureReason.LifetimeTooLong => new SecurityTokenInvalidLifetimeException(reason)
            {
                NotBefore = facts.NotBefore,
                Expires = facts.Expires,
            },
            AuthFailureReason.BadSignature or AuthFailureReason.AlgorithmNotAllowed =>
                new SecurityTokenInvalidSignatureException(reason),
            AuthFailureReason.UnknownKey => new SecurityTokenSignatureKeyNotFoundException(reason),
            AuthFailureReason.UnknownIssuer => new SecurityTokenInvalidIssuerException(reason)
            {
                InvalidIssuer = facts.Issuer,
            },
            AuthFailureReason.InvalidAudience => new SecurityTokenInvalidAudienceException(reason)
            {
                InvalidAudience = facts.Audiences,
            },
            AuthFailureReason.Malformed => new SecurityTokenMalformedException(reason),
            AuthFailureReason.TokenTooLarge => new ArgumentException(reason),
            AuthFailureReason.Revoked => new SecurityTokenRevokedException(reason),
            _ => new SecurityTokenValidationException(reason),
        };
        return Tag(exception, reason);
    }

    /// <summary>
    /// A malformed token's refusal as the exception JsonWebTokenHandler's own reading gives (JwtBearer's for it): an
    /// <see cref="ArgumentException"/> for segments that do not decode (<c>a.b.c</c>), a
    /// <see cref="SecurityTokenMalformedException"/> for the rest (no JWS form at all, bad JSON, a token AuthCache
    /// finds malformed that reads).
    /// </summary>
    public static async Task<Exception> MalformedAsync(string token)
    {
        var read = await Reader.ValidateTokenAsync(token, Unchecked);
        var exception = read.Exception is ArgumentException and not SecurityTokenMalformedException
            ? new ArgumentException(AuthFailureReason.Malformed)
            : new SecurityTokenMalformedException(AuthFailureReason.Malformed);
        return Tag(exception, AuthFailureReason.Malformed);
    }

    /// <summary>The same exception with AuthCache's reason code, for a failure a scheme's own rules found.</summary>
    public static T Tag<T>(T exception, string reason)
        where T : Exception
    {
        exception.Data[AuthCacheFailure.ReasonDataKey] = reason;
        return exception;
    }
}

/// <summary>
/// What a refused token says of itself, for the values of its failure exception. Read without validation, so only
/// ever shown back to its bearer, as JwtBearer shows them (the token's own claims, not a verdict).
/// </summary>
internal readonly record struct TokenFacts(DateTime? Expires, DateTime? NotBefore, string? Issuer, string? Audiences)
{
    /// <summary>The token's claims, or none when it does not read.</summary>
    public static TokenFacts Of(string token)
    {
        try
        {
            var read = new JsonWebToken(token);
            return new TokenFacts(
                Date(read.ValidTo),
                Date(read.ValidFrom),
                read.Issuer,
                string.Join(", ", read.Audiences));
        }
        catch (ArgumentException)
        {
            return default;
        }
    }

    private static DateTime? Date(DateTime value) => value == DateTime.MinValue ? null : value;
}
