using AuthCache.AspNetCore.Caching;
using AuthCache.AspNetCore.Caching.Internals;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace AuthCache.Tests.AspNetCore.Caching;

/// <summary>
/// The eager refresher on its own, in an API host in front of a real one-silo cluster, the host's time a
/// <see cref="FakeTimeProvider"/>: what the grain's answer does to the near-cache copy it refreshes.
/// </summary>
public sealed class NearCacheRefresherTests : IAsyncLifetime
{
    private static readonly TimeSpan GrainCallTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _hostTime = new(DateTimeOffset.UtcNow);
    private TestIssuer _issuer = null!;
    private InProcessTestCluster _cluster = null!;
    private ApiHostInstance _host = null!;
    private ObservedTokenGrains _grains = null!;
    private NearCacheRefresher _refresher = null!;
    private TokenNearCache _nearCache = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        var settings = _issuer.Settings();
        _cluster = await OneSiloCluster.DeployAsync(settings);
        _host = await ApiHostInstance.StartClientOfAsync(
            _cluster,
            new Dictionary<string, string?>(settings)
            {
                ["AuthCache:GrainCallTimeout"] = GrainCallTimeout.ToString("c"),
            },
            services => services.AddSingleton<TimeProvider>(_hostTime));

        var services = _host.App.Services;
        _grains = new ObservedTokenGrains(_cluster.Client);
        var answers = ActivatorUtilities.CreateInstance<GrainAnswers>(services, (IGrainFactory)_grains);
        _refresher = ActivatorUtilities.CreateInstance<NearCacheRefresher>(services, answers);
        _nearCache = services.GetRequiredService<TokenNearCache>();
    }

    public async Task DisposeAsync()
    {
        _grains.Revive();
        await _host.DisposeAsync();
        await _cluster.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task The_grains_answer_replaces_the_copy_it_refreshes()
    {
        var (token, hash) = NewToken();
        _nearCache.Add(hash, Copy(token), _nearCache.Version);

        await _refresher.RefreshAsync(token, hash).WaitAsync(Patience);

        Assert.True(_nearCache.TryGet(hash, out var refreshed, out _));
        Assert.NotNull(refreshed.Profile);
    }

    [Fact]
    public async Task A_copy_its_grain_no_longer_finds_valid_is_dropped()
    {
        var (token, _) = NewToken();
        // Under another token's hash, the grain refuses the token (its hash is not the grain's key).
        var (_, otherHash) = NewToken();
        _nearCache.Add(otherHash, Copy(token), _nearCache.Version);

        await _refresher.RefreshAsync(token, otherHash).WaitAsync(Patience);

        Assert.False(_nearCache.TryGet(otherHash, out _, out _));
    }

    [Fact]
    public async Task A_refresh_its_grain_does_not_answer_leaves_the_copy_to_its_time_and_marks_the_cluster_failing()
    {
        var (token, hash) = NewToken();
        _nearCache.Add(hash, Copy(token), _nearCache.Version);
        _grains.Lost = true;
        var refreshesBefore = Metrics().NearCacheRefreshes;

        var refresh = _refresher.RefreshAsync(token, hash);
        _hostTime.Advance(GrainCallTimeout);
        await refresh.WaitAsync(Patience);

        Assert.True(_nearCache.TryGet(hash, out var kept, out _));
        Assert.Null(kept.Profile);
        Assert.Equal(refreshesBefore + 1, Metrics().NearCacheRefreshes);
        Assert.True(_host.App.Services.GetRequiredService<ClusterAvailability>().IsUnavailable);
    }

    private (string Token, string Hash) NewToken()
    {
        var token = _issuer.CreateToken("user_refresh_" + Guid.NewGuid().ToString("N"));
        return (token, TokenHash.Compute(token));
    }

    /// <summary>A copy of the token's answer as the near cache holds it, without the profile a grain adds.</summary>
    private TokenValidationOutcome Copy(string token)
    {
        var now = _hostTime.GetUtcNow();
        return new TokenValidationOutcome(
            true, null, _issuer.Issuer, "user", [new TokenClaim("sub", "user", "s")], now.AddHours(1),
            now.AddMinutes(5), null, false);
    }

    private AuthCacheCounters Metrics() => _host.App.Services.GetRequiredService<AuthCacheMetrics>().Snapshot();
}
