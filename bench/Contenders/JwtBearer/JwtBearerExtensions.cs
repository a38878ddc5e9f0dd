using AuthCache.Bench.Contenders.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Bench.Contenders.JwtBearer;

public static class JwtBearerExtensions
{
    /// <summary>
    /// What a .NET team writes without AuthCache: <c>AddJwtBearer</c> with the issuer as Authority (its
    /// ConfigurationManager fetches the discovery document and the JWKS and caches them in this process) and an
    /// <see cref="Microsoft.Extensions.Caching.Memory.IMemoryCache"/> of user profiles.
    /// </summary>
    public static WebApplicationBuilder AddJwtBearerWithUserCache(this WebApplicationBuilder builder)
    {
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<IUserProfileSource, MemoryCachedUserProfiles>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<ContenderOptions>>((options, clerk) =>
            {
                options.Authority = clerk.Value.Issuer;
                options.RequireHttpsMetadata = false;
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateAudience = false,
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
                    NameClaimType = "sub",
                    ClockSkew = TimeSpan.FromSeconds(5),
                };
            });
        return builder;
    }
}
