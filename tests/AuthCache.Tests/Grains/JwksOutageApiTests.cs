using System.Net;
using System.Text.Json;
using AuthCache.Core;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Grains;

/// <summary>
/// The JWKS phase as operators see it in the running API host (embedded silo) against a real HTTP issuer:
/// pre-population, readiness, last-known-good keys through an outage, bounded staleness, recovery.
/// Each test runs its own issuer and host on a fake clock.
/// </summary>
public sealed class JwksOutageApiTests : IAsyncLifetime
{
    private const string AdminKey = "outage-admin-key";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestIssuer _issuer = null!;

    public async Task InitializeAsync() => _issuer = await TestIssuer.StartAsync();

    public async Task DisposeAsync() => await _issuer.DisposeAsync();

    private Task<ApiHostInstance> StartHostAsync() => ApiHostInstance.StartAsync(
        "Production",
        new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = _issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:Admin:ApiKey"] = AdminKey,
        },
        configureServices: services => services.AddSingleton(new AuthCacheClock(_time)));

    private string Token() => _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), now: _time.GetUtcNow().UtcDateTime);

    [Fact]
    public async Task Keys_are_loaded_at_start_up_without_any_request_and_the_host_becomes_ready()
    {
        await using var host = await StartHostAsync();

        await Eventually(async () => (await host.Http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);

        Assert.True(_issuer.JwksFetches >= 1);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/v1/me", Token())).StatusCode);
    }

    [Fact]
    public async Task Cold_start_with_the_issuer_down_is_not_ready_answers_503_and_recovers_by_itself()
    {
        _issuer.Mode = JwksMode.ServerError;
        await using var host = await StartHostAsync();

        var me = await host.Http.GetAsync("/api/v1/me", Token());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, me.StatusCode);
        Assert.Equal(AuthFailureReason.KeysUnavailable, me.ErrorDescription());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/health/live")).StatusCode);

        // The issuer comes back: once the retry backoff has passed, the grain's own timer fetches the keys,
        // with no request and no operator involved.
        _issuer.Mode = JwksMode.Normal;
        var fetchesBefore = _issuer.JwksFetches;
        _time.Advance(TimeSpan.FromMinutes(10));
        await Eventually(() => Task.FromResult(_issuer.JwksFetches > fetchesBefore));
        await Eventually(async () => (await host.Http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/v1/me", Token())).StatusCode);
    }

    [Fact]
    public async Task An_outage_is_degraded_while_last_known_good_keys_serve_and_unhealthy_past_the_maximum_staleness()
    {
        await using var host = await StartHostAsync();
        await Eventually(async () => (await host.Http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);
        Assert.Equal("Healthy", await StatusAsync(host));

        _issuer.Mode = JwksMode.ServerError;
        _time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/v1/me", Token())).StatusCode);
        await Eventually(async () => (await JwksCheckAsync(host)).GetProperty("description").GetString()!.Contains("HTTP 503"));
        var degraded = await JwksCheckAsync(host);
        Assert.Equal("Degraded", degraded.GetProperty("status").GetString());
        Assert.Equal("Degraded", await StatusAsync(host));
        Assert.Contains(_issuer.Issuer, degraded.GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/health/ready")).StatusCode);

        _time.Advance(TimeSpan.FromHours(24));
        var late = await host.Http.GetAsync("/api/v1/me", Token());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode);
        Assert.Equal("Unhealthy", await StatusAsync(host));
        Assert.Contains("maximum staleness", (await JwksCheckAsync(host)).GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/health/live")).StatusCode);

        _issuer.Mode = JwksMode.Normal;
        _time.Advance(TimeSpan.FromMinutes(10));
        await Eventually(async () => await StatusAsync(host) == "Healthy");
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/v1/me", Token())).StatusCode);
    }

    private static async Task<string?> StatusAsync(ApiHostInstance host)
    {
        var response = await host.Http.GetAsync("/api/v1/cache/health", adminKey: AdminKey);
        return (await response.JsonAsync()).GetProperty("status").GetString();
    }

    private static async Task<JsonElement> JwksCheckAsync(ApiHostInstance host)
    {
        var response = await host.Http.GetAsync("/api/v1/cache/health", adminKey: AdminKey);
        return (await response.JsonAsync()).GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "jwks");
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition was not met within 30 s.");
            await Task.Delay(100);
        }
    }
}
