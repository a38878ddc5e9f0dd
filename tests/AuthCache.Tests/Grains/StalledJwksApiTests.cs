using System.Net;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Grains;

/// <summary>
/// The admin refresh against an issuer that sends its headers and never finishes its key set, through the real API
/// host (embedded silo) over real HTTP: every refresh answers at the fetch deadline, and the first one after the
/// issuer recovers teaches the cluster its rotated key.
/// </summary>
public sealed class StalledJwksApiTests : IAsyncLifetime
{
    private const string AdminKey = "stalled-jwks-admin-key";
    private const string RefreshPath = "/api/v1/cache/jwks/refresh";

    private TestIssuer _issuer = null!;
    private ApiHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        var settings = _issuer.Settings();
        settings["AuthCache:Admin:ApiKey"] = AdminKey;
        settings["AuthCache:JwksFetchTimeout"] = "00:00:02";
        _host = await ApiHostInstance.StartAsync("Production", settings);
        // A bound far below the 25 s a jammed refresh took, far above the 2 s deadline.
        _host.Http.Timeout = TimeSpan.FromSeconds(15);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task Each_refresh_against_a_stalled_body_answers_502_at_the_deadline_and_the_refresh_after_recovery_learns_the_rotated_key()
    {
        using (var healthy = await _host.Http.PostAsync(RefreshPath, adminKey: AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        _issuer.Mode = JwksMode.StalledBody;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var stalled = await _host.Http.PostAsync(RefreshPath, adminKey: AdminKey);
            var issuer = (await stalled.JsonAsync()).GetProperty("issuers")[0];

            Assert.Equal(HttpStatusCode.BadGateway, stalled.StatusCode);
            Assert.Equal("timed out", issuer.GetProperty("error").GetString());
        }

        var rotated = TestIssuer.CreateRsaKey("rsa-rotated");
        _issuer.Publish(rotated);
        _issuer.Mode = JwksMode.Normal;
        using var recovered = await _host.Http.PostAsync(RefreshPath, adminKey: AdminKey);
        var keyIds = (await recovered.JsonAsync()).GetProperty("issuers")[0].GetProperty("keyIds").EnumerateArray().Select(k => k.GetString());
        using var me = await _host.Http.GetAsync("/api/v1/me", _issuer.CreateToken("user_rotated", key: rotated));

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Contains("rsa-rotated", keyIds);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("Cluster", (await me.JsonAsync()).GetProperty("source").GetString());
    }
}
