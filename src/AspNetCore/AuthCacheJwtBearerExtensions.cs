using AuthCache.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AuthCache.AspNetCore;

/// <summary>Makes a JwtBearer scheme validate its tokens through AuthCache.</summary>
public static class AuthCacheJwtBearerExtensions
{
    /// <summary>
    /// Validates this JwtBearer scheme's tokens through AuthCache: <c>AddJwtBearer(o => o.UseAuthCache())</c>, with
    /// <c>services.AddAuthCache()</c>. JwtBearer keeps everything else (events, challenges, <c>SaveToken</c>,
    /// <c>MapInboundClaims</c>, name and role claim types, the scheme name); AuthCache replaces its token handlers and
    /// its configuration manager:
    /// <list type="bullet">
    /// <item>a token is validated once for the cluster (signature with the issuer's keys from the cluster's JwksGrain,
    /// AuthCache's rules from <c>AuthCache:Issuers</c>), cached, and checked against revocations on every use;</item>
    /// <item>this scheme's own rules (<c>TokenValidationParameters</c>: issuer, audience, lifetime, and their validator
    /// delegates) are applied to the cached answer on every request, so a token a scheme's rules refuse is refused
    /// whatever another scheme accepted;</item>
    /// <item>a refused token's <c>error_description</c> is AuthCache's reason code (<c>expired</c>, <c>revoked</c>…);
    /// unavailable signing keys are answered 503 and an address that sends too many refused tokens 429.</item>
    /// </list>
    /// <c>Authority</c>, when set, must be one of <c>AuthCache:Issuers</c>; nothing is fetched from it.
    /// </summary>
    public static JwtBearerOptions UseAuthCache(
        this JwtBearerOptions options,
        Action<AuthCacheBearerOptions>? configure = null)
    {
        var settings = new AuthCacheBearerOptions();
        configure?.Invoke(settings);
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(new AuthCacheTokenHandler(settings));

        // Set now, so that JwtBearer does not create a configuration manager that fetches the Authority's metadata.
        options.ConfigurationManager = new AuthCacheConfigurationManager();
        return options;
    }
}
