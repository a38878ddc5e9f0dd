using Microsoft.IdentityModel.Tokens;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// A token AuthCache refuses because it, its session or its subject was revoked (reason code <c>revoked</c>). Plain
/// JwtBearer has no revocation and so no exception of its own for it; this one derives from
/// <see cref="SecurityTokenValidationException"/>, as JwtBearer's validation failures do.
/// </summary>
public sealed class SecurityTokenRevokedException : SecurityTokenValidationException
{
    public SecurityTokenRevokedException()
    {
    }

    public SecurityTokenRevokedException(string message)
        : base(message)
    {
    }

    public SecurityTokenRevokedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
