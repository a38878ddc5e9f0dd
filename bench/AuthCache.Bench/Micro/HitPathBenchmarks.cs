using AuthCache.AspNetCore.Caching;
using AuthCache.Bench.Tokens;
using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthCache.Bench.Micro;

/// <summary>
/// A cached authentication and its steps: the whole resolution by <see cref="AuthCacheTokenResolver"/> from a new
/// request scope (what the authentication handler does per request), answered by the near cache (a co-hosted silo,
/// as in <c>authcache-embedded</c>) or, with the near cache just invalidated, by the token's grain; the precheck's
/// parse, the token hash, the near-cache lookup, the call to the token's grain once it holds the result, and a later
/// lookup in the request cache.
/// Each grain call first takes its own thread-pool turn, as an HTTP request does; <see cref="ThreadPoolTurn"/>
/// alone gives that share.
/// </summary>
[MemoryDiagnoser]
public class HitPathBenchmarks
{
    private CoHostedSilo _silo = null!;
    private string _token = "";
    private string _hash = "";
    private RequestAuthCache _requestCache = null!;
    private AuthCacheOptions _options = null!;
    private TokenNearCache _nearCache = null!;

    [GlobalSetup]
    public async Task StartAsync()
    {
        _silo = await CoHostedSilo.StartAsync();
        _token = new ClerkTokenFactory(_silo.Issuer.Issuer, _silo.Issuer.RsaKey).Create(1, 0, DateTime.UtcNow, TimeSpan.FromHours(1));
        _hash = TokenHash.Compute(_token);
        var first = await _silo.Grains.GetGrain<ITokenValidationGrain>(_hash).ValidateAsync(_token);
        var second = await _silo.Grains.GetGrain<ITokenValidationGrain>(_hash).ValidateAsync(_token);
        if (!first.IsValid || !second.FromCache)
        {
            throw new InvalidOperationException($"The benchmark token was not cached ({first.FailureReason}).");
        }

        _options = _silo.Services.GetRequiredService<IOptionsMonitor<AuthCacheOptions>>().CurrentValue;
        _nearCache = _silo.Services.GetRequiredService<TokenNearCache>();
        _nearCache.Add(_hash, second, _nearCache.Version);
        _requestCache = new RequestAuthCache();
        _requestCache.Add(_token, direct: false, new TokenResolution(second, TokenResolutionSource.Cluster));
    }

    [GlobalCleanup]
    public async Task StopAsync() => await _silo.DisposeAsync();

    [Benchmark(Description = "resolver: a near-cache hit from a new request scope + turn")]
    public async Task<TokenResolution> ResolverHit()
    {
        await Task.Yield();
        await using var scope = _silo.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuthCacheTokenResolver>().ResolveAsync(_token);
    }

    [Benchmark(Description = "resolver: a grain hit (near cache invalidated first) + turn")]
    public async Task<TokenResolution> ResolverGrainHit()
    {
        _nearCache.Invalidate();
        await Task.Yield();
        await using var scope = _silo.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuthCacheTokenResolver>().ResolveAsync(_token);
    }

    [Benchmark(Description = "near cache hit (TokenNearCache.TryGet, hash known)")]
    public bool NearCacheHit() => _nearCache.TryGet(_hash, out _, out _);

    [Benchmark(Description = "precheck (JsonWebToken parse, issuer, lifetime)")]
    public bool Precheck() => TokenPrecheck.Inspect(_token, _options, AuthCacheClock.System.UtcNow).Passed;

    [Benchmark(Description = "request cache hit (RequestAuthCache.TryGet)")]
    public bool RequestCacheHit() => _requestCache.TryGet(_token, direct: false, out _);

    [Benchmark(Description = "token hash (SHA-256 + base64url)")]
    public string TokenHashOnly() => TokenHash.Compute(_token);

    [Benchmark(Description = "thread-pool turn (Task.Yield)")]
    public async Task ThreadPoolTurn() => await Task.Yield();

    [Benchmark(Description = "grain call on the active grain (hash known) + turn")]
    public async Task<TokenValidationOutcome> GrainCall()
    {
        await Task.Yield();
        return await _silo.Grains.GetGrain<ITokenValidationGrain>(_hash).ValidateAsync(_token);
    }

    [Benchmark(Description = "hash + grain call on the active grain + turn")]
    public async Task<TokenValidationOutcome> HashAndGrainCall()
    {
        await Task.Yield();
        return await _silo.Grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(_token)).ValidateAsync(_token);
    }
}
