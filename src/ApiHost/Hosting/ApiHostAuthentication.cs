using AuthCache.AspNetCore;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AuthCache.ApiHost.Hosting;

/// <summary>
/// The API host's two JwtBearer schemes, both through AuthCache: <see cref="JwtBearerDefaults.AuthenticationScheme"/>
/// (the default, through the cluster's cache) and <see cref="DirectScheme"/> (validated in this process, for
/// comparison). Claims keep their JWT names and the audience rules are each issuer's (<c>AuthCache:Issuers</c>).
/// </summary>
public static class ApiHostAuthentication
{
    public const string DirectScheme = "Direct";

    public static WebApplicationBuilder AddApiHostAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthCache();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(bearer => WithJwtClaimNames(bearer).UseAuthCache())
            .AddJwtBearer(DirectScheme, bearer =>
                WithJwtClaimNames(bearer).UseAuthCache(authCache => authCache.ValidateInProcess = true))
            .AddAuthCacheAdmin();
        builder.Services.AddAuthorization();
        return builder;
    }

    private static JwtBearerOptions WithJwtClaimNames(JwtBearerOptions bearer)
    {
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters.NameClaimType = "sub";
        bearer.TokenValidationParameters.RoleClaimType = "role";
        bearer.TokenValidationParameters.ValidateAudience = false;
        return bearer;
    }
}
