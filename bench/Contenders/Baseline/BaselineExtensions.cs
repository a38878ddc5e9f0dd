using AuthCache.Bench.Contenders.Users;
using Microsoft.AspNetCore.Authentication;

namespace AuthCache.Bench.Contenders.Baseline;

public static class BaselineExtensions
{
    public const string Scheme = "Uncached";

    /// <summary>
    /// The seed's "before": every request fetches the issuer's JWKS, validates the token against it and fetches
    /// the user from the Backend API. Nothing is cached but the pooled HTTP connections.
    /// </summary>
    public static WebApplicationBuilder AddUncachedAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpClient<JwksClient>();
        builder.Services.AddSingleton<IUserProfileSource, UncachedUserProfiles>();
        builder.Services.AddAuthentication(Scheme)
            .AddScheme<AuthenticationSchemeOptions, UncachedBearerHandler>(Scheme, null);
        return builder;
    }
}
