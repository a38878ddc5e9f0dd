using System.Net;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.ApiHost.Development;

public sealed class DevelopmentIssuerTests
{
    // The README's example key, as appsettings.Development.json ships it.
    private const string DevelopmentAdminKey = "dev-admin-key";

    [Fact]
    public async Task In_development_without_an_issuer_the_host_serves_and_trusts_its_own()
    {
        var port = FreePort.Next();
        await using var host = await ApiHostInstance.StartAsync("Development", new Dictionary<string, string?>(), port);

        var token = await (await host.Http.GetAsync("/dev/token?sub=user_dev_test")).Content.ReadAsStringAsync();
        var me = await host.Http.GetAsync("/api/v1/me", token);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("user_dev_test", (await me.JsonAsync()).GetProperty("subject").GetString());
        Assert.Contains(host.Logs.Lines, l => l.Contains("curl -s -H \"Authorization: Bearer $(curl -s", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_development_issuers_keys_reach_its_silo_in_process_and_its_discovery_and_key_endpoints_serve_other_processes()
    {
        var port = FreePort.Next();
        await using var host = await ApiHostInstance.StartAsync("Development", new Dictionary<string, string?>(), port);
        var token = await (await host.Http.GetAsync("/dev/token")).Content.ReadAsStringAsync();
        var me = await host.Http.GetAsync("/api/v1/me", token);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("Cluster", (await me.JsonAsync()).GetProperty("source").GetString());
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("/.well-known/jwks.json", StringComparison.Ordinal));

        // A silo in another process finds the keys as it finds any issuer's: through its discovery document.
        var parsed = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        var discovery = await (await host.Http.GetAsync("/dev/issuer/.well-known/openid-configuration")).JsonAsync();
        Assert.Equal(parsed.Issuer, discovery.GetProperty("issuer").GetString());
        var jwksUri = new Uri(discovery.GetProperty("jwks_uri").GetString()!);
        Assert.Equal(parsed.Issuer + "/.well-known/jwks.json", jwksUri.ToString());

        var keys = await (await host.Http.GetAsync(jwksUri.PathAndQuery)).JsonAsync();
        var kid = parsed.Kid;
        Assert.Equal(kid, Assert.Single(keys.GetProperty("keys").EnumerateArray()).GetProperty("kid").GetString());
    }

    [Fact]
    public async Task In_development_with_only_its_own_issuer_the_development_admin_key_and_admin_tokens_work()
    {
        var port = FreePort.Next();
        await using var host = await ApiHostInstance.StartAsync("Development", new Dictionary<string, string?>(), port);
        var adminToken = await (await host.Http.GetAsync("/dev/token?sub=user_dev_admin&role=admin")).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/v1/cache/stats", adminKey: DevelopmentAdminKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/v1/cache/stats", bearer: adminToken)).StatusCode);
    }

    [Fact]
    public async Task In_development_with_a_real_issuer_configured_the_development_admin_key_is_refused()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var host = await ApiHostInstance.StartAsync("Development", new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
        });
        var roleAdmin = issuer.CreateToken("user_role_admin", extraClaims: new Dictionary<string, object> { ["role"] = "admin" });

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.GetAsync("/api/v1/cache/stats", adminKey: DevelopmentAdminKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.PostAsync("/api/v1/cache/cleanup", adminKey: DevelopmentAdminKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Http.GetAsync("/api/v1/cache/stats", bearer: roleAdmin)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/dev/token")).StatusCode);
    }
}
