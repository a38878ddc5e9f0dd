using Microsoft.IdentityModel.Tokens;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// A token AuthCache refuses because it, its session or its subject was revoked (reason code <c>revoked</c>). Plain
/// JwtBearer has no revocation and so no exception of its own for it; this one derives from
/// <see cref="SecurityTokenValidationException"/>, as JwtBearer's validation failures do.
/// </summary>
public sealed class SecurityTokenRevokedException : SecurityTokenValidationException
{
    /// <summary>A revoked token, with the default message.</summary>
    public SecurityTokenRevokedException()
    {
    }

    /// <summary>A revoked token, with a message that says what was revoked.</summary>
    public SecurityTokenRevokedException(string message)
        : base(message)
    {
    }

    /// <summary>A revoked token, with a message and the exception that led to the refusal.</summary>
    public SecurityTokenRevokedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
