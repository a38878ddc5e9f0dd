using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.Core.Profiles;
using AuthCache.Core.Revocation;
using AuthCache.Core.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace AuthCache.Core;

internal static class AuthCacheCoreServiceCollectionExtensions
{
    /// <summary>
    /// Options (bound from <c>AuthCache</c>, validated at start), the validator, the key fetcher, the profile
    /// client and this process's copy of the revocation list. Shared by silos and API hosts; safe to call more
    /// than once.
    /// </summary>
    public static IServiceCollection AddAuthCacheCore(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(TokenValidator)))
        {
            return services;
        }

        services.AddOptions<AuthCacheOptions>().BindConfiguration(AuthCacheOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<AuthCacheOptions>, ClerkEnvironmentOptionsSetup>();
        services.AddSingleton<IValidateOptions<AuthCacheOptions>, AuthCacheOptionsValidator>();
        services.AddSingleton<IValidateOptions<AuthCacheOptions>, MemorySheddingOptionsValidator>();

        services.AddMetrics();
        services.TryAddSingleton(AuthCacheClock.System);
        services.TryAddSingleton<AuthCacheMetrics>();
        services.TryAddSingleton<RevocationMetrics>();
        services.TryAddSingleton<JwksFreshnessMetrics>();
        services.TryAddSingleton<SigningKeyCache>();
        services.TryAddSingleton<TokenValidator>();
        services.TryAddSingleton<CurrentIssuerRules>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(AuthCacheProcess.ClusterClient);
        services.TryAddSingleton<RevocationReplica>();
        services.TryAddSingleton<ITokenRevocationCheck>(sp => sp.GetRequiredService<RevocationReplica>());
        services.TryAddSingleton<JwksFetcher>();
        services.TryAddSingleton<LocalJwksKeySource>();
        services.TryAddSingleton<UserProfileClient>();

        services.AddHttpClient(JwksFetcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(CreatePooledHandler)
            .AddStandardResilienceHandler(ConfigureResilience)
            .SelectPipelineByAuthority();
        services.AddHttpClient(UserProfileClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(CreatePooledHandler)
            .AddStandardResilienceHandler(ConfigureResilience)
            .SelectPipelineByAuthority();

        return services;
    }

    // Connections are pooled and recycled so DNS changes of the issuer are picked up; TLS validation is the
    // platform's (no certificate callback anywhere).
    private static SocketsHttpHandler CreatePooledHandler() => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = System.Net.DecompressionMethods.All,
    };

    // 10 s until the response headers including retries (the body is bounded by the callers' own deadline,
    // JwksFetchTimeout and UserProfiles:FetchTimeout, which also cancels this), exponential backoff with jitter, and a
    // circuit breaker per upstream host that opens only when nearly every recent attempt failed, so a dead issuer is
    // not hammered while a flaky one still gets its retries.
    private static void ConfigureResilience(HttpStandardResilienceOptions options)
    {
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(10);
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(4);
        options.Retry.MaxRetryAttempts = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
        options.CircuitBreaker.MinimumThroughput = 10;
        options.CircuitBreaker.FailureRatio = 0.9;
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(15);
    }
}
