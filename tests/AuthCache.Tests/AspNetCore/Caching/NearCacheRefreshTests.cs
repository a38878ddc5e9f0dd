using System.Text.Json;
using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Revocation;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace AuthCache.Tests.AspNetCore.Caching;

/// <summary>
/// Eager refresh of the near cache over real HTTP, in an API host embedding its silo and in a client-mode API host of
/// a real one-silo cluster: the hosts' cache clock is a <see cref="FakeTimeProvider"/> the test advances past the
/// refresh threshold and the copies' <c>NearCache:MaxAge</c>; Orleans and the revocation replicas run on real time.
/// </summary>
public sealed class NearCacheRefreshTests : IAsyncLifetime
{
    private const string AdminKey = "near-cache-refresh-admin-key";
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _cacheTime = new(DateTimeOffset.UtcNow);
    private TestIssuer _issuer = null!;
    private InProcessTestCluster _cluster = null!;
    private ApiHostInstance _client = null!;
    private ApiHostInstance _embedded = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        var settings = _issuer.Settings();
        var hostSettings = new Dictionary<string, string?>(settings)
        {
            ["AuthCache:NearCache:MaxAge"] = MaxAge.ToString("c"),
            ["AuthCache:NearCache:EagerRefreshThreshold"] = "0.8",
            ["AuthCache:Admin:ApiKey"] = AdminKey,
        };
        _cluster = await OneSiloCluster.DeployAsync(settings);
        _client = await ApiHostInstance.StartClientOfAsync(_cluster, hostSettings, services => services.AddSingleton(new AuthCacheClock(_cacheTime)));
        _embedded = await ApiHostInstance.StartAsync("Production", hostSettings, configureServices: services => services.AddSingleton(new AuthCacheClock(_cacheTime)));

        // The hosts took real time to start: the tokens the tests mint now must not look issued in the future.
        _cacheTime.SetUtcNow(DateTimeOffset.UtcNow);
    }

    public async Task DisposeAsync()
    {
        await _embedded.DisposeAsync();
        await _client.DisposeAsync();
        await _cluster.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("client")]
    public async Task A_token_in_steady_use_is_refreshed_from_its_grain_before_its_copy_ends_and_never_waits_for_it(string mode)
    {
        var host = Host(mode);
        var busy = _issuer.CreateToken("user_busy_" + Guid.NewGuid().ToString("N"));
        var idle = _issuer.CreateToken("user_idle_" + Guid.NewGuid().ToString("N"));
        await ReplicaCurrentAsync(host);
        Assert.Equal("Cluster", await SourceAsync(host, busy));
        Assert.Equal("Cluster", await SourceAsync(host, idle));
        Assert.Equal("NearCache", await SourceAsync(host, busy));
        var refreshedBefore = Refreshes(host);

        // Past 80% of its copy's age, a hit still answers from the copy and asks the grain in the background.
        _cacheTime.Advance(TimeSpan.FromSeconds(24));
        Assert.Equal("NearCache", await SourceAsync(host, busy));
        await Poll.UntilAsync(() => Task.FromResult(Refreshes(host) == refreshedBefore + 1), Patience, "the copy refreshed from its grain");

        // Past the first copies' MaxAge: the refreshed token is still a hit, the idle one asks its grain again.
        _cacheTime.Advance(TimeSpan.FromSeconds(7));
        var (source, body) = await MeAsync(host, busy);
        Assert.Equal("NearCache", source);
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty("profile").ValueKind);
        Assert.Equal("Cluster", await SourceAsync(host, idle));
        Assert.Equal(refreshedBefore + 1, Refreshes(host));
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("client")]
    public async Task A_revocation_reaches_a_refreshed_copy_at_once(string mode)
    {
        var host = Host(mode);
        var sessionId = "sess_refresh_" + Guid.NewGuid().ToString("N");
        var token = _issuer.CreateToken("user_refresh_revoked_" + Guid.NewGuid().ToString("N"), sid: sessionId);
        await ReplicaCurrentAsync(host);
        await SourceAsync(host, token);
        var refreshedBefore = Refreshes(host);
        _cacheTime.Advance(TimeSpan.FromSeconds(24));
        Assert.Equal("NearCache", await SourceAsync(host, token));
        await Poll.UntilAsync(() => Task.FromResult(Refreshes(host) == refreshedBefore + 1), Patience, "the copy refreshed from its grain");

        var revoked = await host.Http.PostAsync("/api/v1/cache/revoke?sid=" + sessionId, adminKey: AdminKey);
        Assert.Equal(System.Net.HttpStatusCode.OK, revoked.StatusCode);

        var answer = await host.Http.GetAsync("/api/v1/me", token);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("revoked", answer.ErrorDescription());
    }

    private ApiHostInstance Host(string mode) => mode == "embedded" ? _embedded : _client;

    private static long Refreshes(ApiHostInstance host) => host.App.Services.GetRequiredService<AuthCacheMetrics>().Snapshot().NearCacheRefreshes;

    private static Task ReplicaCurrentAsync(ApiHostInstance host)
    {
        var replica = host.App.Services.GetRequiredService<RevocationReplica>();
        return Poll.UntilAsync(() => Task.FromResult(replica.IsCurrent), Patience, "the host's revocation replica in sync");
    }

    private static async Task<string?> SourceAsync(ApiHostInstance host, string token) => (await MeAsync(host, token)).Source;

    private static async Task<(string? Source, JsonElement Body)> MeAsync(ApiHostInstance host, string token)
    {
        var response = await host.Http.GetAsync("/api/v1/me", token);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.ErrorDescription()}");
        var body = await response.JsonAsync();
        return (body.GetProperty("source").GetString(), body);
    }
}
