using System.Net;
using AuthCache.AspNetCore.Caching;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Orleans.TestingHost;

namespace AuthCache.Tests.Security;

/// <summary>
/// A signing key the issuer removed, seen from an API host that is an Orleans client of a one-silo cluster: its near
/// cache and direct scheme refuse the key once the forced refresh returns, and so does its fallback, the validation
/// the host makes by itself once the cluster is gone (which the attack corpus' shared host, whose silo is embedded,
/// cannot be made to take).
/// </summary>
public sealed class ClientModeKeyRetirementTests : IAsyncLifetime
{
    private const string AdminKey = "client-mode-retirement-admin-key";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private TestIssuer _issuer = null!;
    private InProcessTestCluster _cluster = null!;
    private ApiHostInstance _host = null!;

    private HttpClient Http => _host.Http;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = _issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
        };
        _cluster = await OneSiloCluster.DeployAsync(settings);

        _host = await ApiHostInstance.StartClientOfAsync(_cluster, new Dictionary<string, string?>(settings) { ["AuthCache:Admin:ApiKey"] = AdminKey });

        // The cluster's first fetch is over once the host has mirrored its keys: a forced refresh does not join it.
        var keys = _host.App.Services.GetRequiredService<LocalJwksKeySource>();
        await Poll.UntilAsync(() => Task.FromResult(keys.HeldKeyIds(_issuer.Issuer).Count > 0), Patience, "the host holding the issuer's keys");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _cluster.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_client_mode_host_refuses_a_retired_key_from_its_near_cache_its_direct_scheme_and_its_fallback_without_the_cluster()
    {
        var retiring = TestIssuer.CreateEcKey("retiring-" + Guid.NewGuid().ToString("N")[..8]);
        _issuer.Publish(retiring);
        Assert.Contains(retiring.KeyId, (await RefreshAsync()).GetProperty("keyIds").EnumerateArray().Select(k => k.GetString()));
        Assert.True(await _host.App.Services.GetServices<IHostedService>().OfType<ClusterKeyMirror>().Single().MirrorAsync(CancellationToken.None));
        var cached = _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), key: retiring);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/me", cached)).StatusCode);
        await Poll.UntilAsync(async () => await SourceAsync(cached) == "NearCache", Patience, "the grain's answer copied into the near cache");
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/direct/me", cached)).StatusCode);

        _issuer.Unpublish(retiring.KeyId);
        var refresh = await RefreshAsync();

        Assert.Equal([retiring.KeyId], refresh.GetProperty("retiredKeyIds").EnumerateArray().Select(k => k.GetString()));
        Assert.True(refresh.GetProperty("retirementConfirmed").GetBoolean());
        Assert.DoesNotContain(retiring.KeyId, _host.App.Services.GetRequiredService<LocalJwksKeySource>().HeldKeyIds(_issuer.Issuer));
        var unseen = _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), key: retiring);
        foreach (var path in new[] { "/api/v1/me", "/api/v1/direct/me" })
        {
            await AssertRetiredAsync(path, cached);
            await AssertRetiredAsync(path, unseen);
        }

        await _cluster.KillSiloAsync(_cluster.Silos.Single());
        var valid = _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"));
        await Poll.UntilAsync(async () => await SourceAsync(valid) is "Fallback" or "Hedged", Patience, "the host validating by itself");
        foreach (var token in new[] { cached, unseen })
        {
            var fallbacks = Fallbacks();
            await AssertRetiredAsync("/api/v1/me", token);
            Assert.Equal(fallbacks + 1, Fallbacks());
        }
    }

    private async Task<System.Text.Json.JsonElement> RefreshAsync()
    {
        using var response = await Http.PostAsync("/api/v1/cache/jwks/refresh", adminKey: AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("issuers").EnumerateArray().Single();
    }

    private async Task<string?> SourceAsync(string token)
    {
        using var response = await Http.GetAsync("/api/v1/me", token);
        return response.StatusCode == HttpStatusCode.OK ? (await response.JsonAsync()).GetProperty("source").GetString() : null;
    }

    private async Task AssertRetiredAsync(string path, string token)
    {
        using var answer = await Http.GetAsync(path, token);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal(AuthFailureReason.UnknownKey, answer.ErrorDescription());
    }

    private long Fallbacks() => _host.App.Services.GetRequiredService<AuthCacheMetrics>().Snapshot().Fallbacks;
}
