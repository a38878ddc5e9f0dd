using System.Net;
using AuthCache.Tests.Infrastructure;
using static AuthCache.Tests.AspNetCore.Authentication.FailedAuthenticationLimitTests;

namespace AuthCache.Tests.ApiHost.Hosting;

/// <summary>
/// The failed-authentication limit behind a proxy: <c>X-Forwarded-For</c> names the client only when the request comes
/// from a configured proxy (<c>ForwardedHeaders:KnownProxies</c> / <c>KnownNetworks</c>); from anyone else it is ignored.
/// </summary>
public sealed class ForwardedClientLimitTests
{
    private const string Flooder = "203.0.113.7";
    private const string Neighbour = "203.0.113.8";

    [Fact]
    public async Task Behind_a_known_proxy_the_limit_applies_to_each_forwarded_client_apart()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>(Settings(issuer))
        {
            ["ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8",
        });

        await FloodAsync(host, issuer);

        Assert.Equal(nameof(HttpStatusCode.TooManyRequests), await SourceAsync(host, Forged(issuer), From(Flooder)));
        Assert.Equal("Cluster", await SourceAsync(host, issuer.CreateToken("user_neighbour"), From(Neighbour)));
    }

    [Fact]
    public async Task A_forwarded_address_from_a_client_that_is_not_a_known_proxy_is_ignored()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>(Settings(issuer))
        {
            ["ForwardedHeaders:KnownProxies:0"] = "192.0.2.1",
        });

        await FloodAsync(host, issuer);

        Assert.Equal(nameof(HttpStatusCode.TooManyRequests), await SourceAsync(host, issuer.CreateToken("user_neighbour"), From(Neighbour)));
    }

    [Fact]
    public async Task A_known_network_that_is_not_a_cidr_range_stops_the_start()
    {
        await using var issuer = await TestIssuer.StartAsync();
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ApiHostInstance.StartAsync(
            "Production",
            new Dictionary<string, string?>(Settings(issuer)) { ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/33" }));

        Assert.Contains("ForwardedHeaders:KnownNetworks", failure.Message);
    }

    private static Func<HttpRequestMessage, HttpRequestMessage> From(string client) => request =>
    {
        request.Headers.Add("X-Forwarded-For", client);
        return request;
    };

    /// <summary>Forged tokens from <see cref="Flooder"/> until the host refuses them without looking.</summary>
    private static async Task FloodAsync(ApiHostInstance host, TestIssuer issuer)
    {
        for (var i = 0; i < 10; i++)
        {
            await host.Http.SendAsync(From(Flooder)(Request(HttpMethod.Get, "/health/live", Forged(issuer))));
        }
    }
}
