using AuthCache.Bench.Contenders.Users;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AuthCache.Bench.Contenders.JwtBearer;

/// <summary>
/// Profiles cached per process for the profile TTL. Concurrent misses for one user each go upstream, as with the
/// usual <c>GetOrCreateAsync</c>: that is part of what is being compared.
/// </summary>
public sealed class MemoryCachedUserProfiles(IMemoryCache cache, IServiceProvider services, IOptions<ContenderOptions> options) : IUserProfileSource
{
    public Task<ClerkUser?> GetAsync(string userId, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync("clerk-user:" + userId, entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = options.Value.ProfileCacheTtl;
            return services.GetRequiredService<ClerkUserClient>().GetAsync(userId, cancellationToken);
        });
}
