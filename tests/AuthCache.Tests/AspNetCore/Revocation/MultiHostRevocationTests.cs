using System.Net;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace AuthCache.Tests.AspNetCore.Revocation;

/// <summary>
/// Two API hosts whose embedded silos form one cluster, as when an API is scaled out: a revocation made through
/// one host holds on the other as soon as the call returns, on the cached path and on the other host's own
/// in-process validation alike.
/// </summary>
public sealed class MultiHostRevocationTests : IAsyncLifetime
{
    private const string AdminKey = "multi-host-admin-key";

    private TestIssuer _issuer = null!;
    private ApiHostInstance _first = null!;
    private ApiHostInstance _second = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _first = await ApiHostInstance.StartAsync("Production", Settings());
        _second = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>(Settings())
        {
            ["Orleans:ClusterId"] = _first.App.Configuration["Orleans:ClusterId"],
            ["Orleans:PrimarySiloPort"] = _first.App.Configuration["Orleans:SiloPort"],
        });
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["AuthCache:Issuers:0:Issuer"] = _issuer.Issuer,
        ["AuthCache:Issuers:0:RequireHttps"] = "false",
        ["AuthCache:Admin:ApiKey"] = AdminKey,
    };

    [Fact]
    public async Task A_session_revoked_through_one_host_is_rejected_by_the_other_as_soon_as_the_call_returns()
    {
        var hosts = await _first.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);
        var sid = "sess_" + Guid.NewGuid().ToString("N");
        var tokens = Enumerable.Range(0, 4).Select(i => _issuer.CreateToken("user_multi_" + i, sid: sid)).ToArray();
        foreach (var token in tokens)
        {
            // Asked twice on each host: the second answer is each host's near-cache copy, which must go too.
            foreach (var host in new[] { _second, _first })
            {
                // A copy answers once the host's copy of the revocation list is in sync (at once, unless it just started).
                await Poll.UntilAsync(
                    async () => (await (await host.Http.GetAsync("/api/v1/me", token)).JsonAsync()).GetProperty("source").GetString() == "NearCache",
                    TimeSpan.FromSeconds(20),
                    "the host answering from its near cache");
            }

            Assert.Equal(HttpStatusCode.OK, (await _second.Http.GetAsync("/api/v1/direct/me", token)).StatusCode);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cache/revoke?sid=" + sid);
        request.Headers.Add("X-Admin-Key", AdminKey);
        var revoked = await _first.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var body = await revoked.JsonAsync();
        Assert.Equal(2, body.GetProperty("confirmedSilos").GetInt32());
        Assert.Equal(tokens.Length, body.GetProperty("droppedCachedValidations").GetInt32());
        foreach (var host in new[] { _second, _first })
        {
            foreach (var token in tokens)
            {
                Assert.Equal(AuthFailureReason.Revoked, (await host.Http.GetAsync("/api/v1/me", token)).ErrorDescription());
                Assert.Equal(AuthFailureReason.Revoked, (await host.Http.GetAsync("/api/v1/direct/me", token)).ErrorDescription());
            }
        }
    }
}
