using System.Security.Claims;

namespace AuthCache.Bench.Contenders.Users;

public static class UserEndpoints
{
    public static IServiceCollection AddClerkUserClient(this IServiceCollection services)
    {
        services.AddHttpClient<ClerkUserClient>();
        return services;
    }

    /// <summary><c>GET /api/v1/me</c>: the validated claims and the caller's Clerk profile, shaped like the API host's answer.</summary>
    public static IEndpointRouteBuilder MapCurrentUser(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/me", async (ClaimsPrincipal user, IUserProfileSource profiles, CancellationToken cancellationToken) =>
        {
            var subject = user.FindFirstValue("sub");
            if (subject is null)
            {
                return Results.Unauthorized();
            }

            var profile = await profiles.GetAsync(subject, cancellationToken);
            return Results.Ok(new
            {
                subject,
                issuer = user.FindFirstValue("iss"),
                claims = user.Claims.Select(c => new { type = c.Type, value = c.Value }),
                profile = profile is null ? null : new
                {
                    id = profile.Id,
                    username = profile.Username,
                    firstName = profile.FirstName,
                    lastName = profile.LastName,
                    primaryEmail = profile.PrimaryEmail,
                    imageUrl = profile.ImageUrl,
                },
            });
        }).RequireAuthorization();
        return endpoints;
    }
}
