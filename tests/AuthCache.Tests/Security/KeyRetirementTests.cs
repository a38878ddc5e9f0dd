using System.Net;
using AuthCache.Core.Jwks;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

/// <summary>
/// A signing key the issuer removed stops working everywhere in an API host with its embedded silo as soon as a
/// refresh sees it gone: the cached validation, the near-cache copy, the direct scheme's keys, and tokens never
/// seen before, whatever triggered the refresh.
/// </summary>
public sealed class KeyRetirementTests : IAsyncLifetime
{
    private const string AdminKey = "retirement-admin-key";

    private TestIssuer _issuer = null!;
    private ApiHostInstance _host = null!;

    private HttpClient Http => _host.Http;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = _issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:Admin:ApiKey"] = AdminKey,
            ["AuthCache:JwksRefreshCooldown"] = "00:00:00.001",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_forced_refresh_that_finds_a_key_gone_refuses_it_on_every_path_before_it_returns()
    {
        var retiring = await PublishAndUseAsync();

        _issuer.Unpublish(retiring.Key.KeyId);
        var refresh = await Http.PostAsync("/api/v1/cache/jwks/refresh", adminKey: AdminKey);

        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        var issuer = (await refresh.JsonAsync()).GetProperty("issuers").EnumerateArray().Single();
        Assert.Equal([retiring.Key.KeyId], issuer.GetProperty("retiredKeyIds").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(1, issuer.GetProperty("droppedCachedValidations").GetInt32());
        Assert.True(issuer.GetProperty("retirementConfirmed").GetBoolean());
        await AssertRefusedEverywhereAsync(retiring);
    }

    [Fact]
    public async Task A_refresh_triggered_by_a_token_with_a_new_key_retires_the_keys_the_issuer_dropped_meanwhile()
    {
        var retiring = await PublishAndUseAsync();
        var successor = TestIssuer.CreateRsaKey("successor-" + Guid.NewGuid().ToString("N")[..8]);

        // A rotation: the issuer swaps keys, and the first token of the new key makes the cluster fetch again.
        _issuer.Unpublish(retiring.Key.KeyId);
        _issuer.Publish(successor);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/me", _issuer.CreateToken("user_successor", key: successor))).StatusCode);

        await AssertRefusedEverywhereAsync(retiring);
    }

    /// <summary>A new key, a token of it cached by its grain, copied by the near cache and validated by the direct scheme.</summary>
    private async Task<(SecurityKey Key, string Token)> PublishAndUseAsync()
    {
        var key = TestIssuer.CreateEcKey("retiring-" + Guid.NewGuid().ToString("N")[..8]);
        _issuer.Publish(key);
        var token = _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), key: key);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/me", token)).StatusCode);
        Assert.Equal("NearCache", (await (await Http.GetAsync("/api/v1/me", token)).JsonAsync()).GetProperty("source").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/direct/me", token)).StatusCode);
        Assert.Contains(key.KeyId, _host.App.Services.GetRequiredService<LocalJwksKeySource>().HeldKeyIds(_issuer.Issuer));
        return (key, token);
    }

    private async Task AssertRefusedEverywhereAsync((SecurityKey Key, string Token) retired)
    {
        Assert.DoesNotContain(retired.Key.KeyId, _host.App.Services.GetRequiredService<LocalJwksKeySource>().HeldKeyIds(_issuer.Issuer));
        var unseen = _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), key: retired.Key);
        foreach (var token in new[] { retired.Token, unseen })
        {
            foreach (var path in new[] { "/api/v1/me", "/api/v1/direct/me" })
            {
                var answer = await Http.GetAsync(path, token);
                Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
                Assert.Equal(AuthFailureReason.UnknownKey, answer.ErrorDescription());
            }
        }
    }
}
