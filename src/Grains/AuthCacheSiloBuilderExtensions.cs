using AuthCache.Core;

namespace AuthCache.Grains;

public static class AuthCacheSiloBuilderExtensions
{
    /// <summary>The services the AuthCache grains need on every silo (options, validator, HTTP clients).</summary>
    public static ISiloBuilder AddAuthCacheGrains(this ISiloBuilder builder)
    {
        builder.Services.AddAuthCacheCore();
        return builder;
    }
}
