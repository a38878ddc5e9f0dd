namespace AuthCache.Bench.Contenders.Users;

/// <summary>Where <c>/api/v1/me</c> gets the caller's profile: straight from Clerk, or through a per-process cache.</summary>
public interface IUserProfileSource
{
    Task<ClerkUser?> GetAsync(string userId, CancellationToken cancellationToken);
}
