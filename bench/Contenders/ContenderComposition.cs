using AuthCache.Bench.Contenders.Baseline;
using AuthCache.Bench.Contenders.JwtBearer;
using AuthCache.Bench.Contenders.Users;

namespace AuthCache.Bench.Contenders;

public static class ContenderComposition
{
    public const string Baseline = "baseline";
    public const string JwtBearer = "jwtbearer";

    public static WebApplicationBuilder AddContender(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ContenderOptions>()
            .BindConfiguration(ContenderOptions.SectionName)
            .Validate(o => Uri.IsWellFormedUriString(o.Issuer, UriKind.Absolute), "Clerk:Issuer must be an absolute URL.")
            .Validate(o => Uri.IsWellFormedUriString(o.UsersBaseUrl, UriKind.Absolute), "Clerk:UsersBaseUrl must be an absolute URL.")
            .Validate(o => o.SecretKey.Length > 0, "Clerk:SecretKey is required.")
            .ValidateOnStart();
        builder.Services.AddClerkUserClient();

        var contender = builder.Configuration["Contender"];
        _ = contender switch
        {
            Baseline => builder.AddUncachedAuthentication(),
            JwtBearer => builder.AddJwtBearerWithUserCache(),
            _ => throw new InvalidOperationException($"Contender must be '{Baseline}' or '{JwtBearer}' (was '{contender}')."),
        };
        builder.Services.AddAuthorization();
        return builder;
    }

    public static WebApplication MapContender(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/health/live", () => Results.Ok("Healthy"));
        app.MapCurrentUser();
        return app;
    }
}
