using AuthCache.Bench.Contenders.Users;

namespace AuthCache.Bench.Contenders.Baseline;

/// <summary>The user from the Backend API on every request.</summary>
public sealed class UncachedUserProfiles(IServiceProvider services) : IUserProfileSource
{
    public Task<ClerkUser?> GetAsync(string userId, CancellationToken cancellationToken) =>
        services.GetRequiredService<ClerkUserClient>().GetAsync(userId, cancellationToken);
}
