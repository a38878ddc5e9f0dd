using System.Net;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Api;

public sealed class FailedAuthenticationLimitTests
{
    [Fact]
    public async Task An_address_sending_rejected_tokens_gets_429_while_its_valid_tokens_still_pass()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:FailedAuthenticationLimit:PermitLimit"] = "5",
            ["AuthCache:FailedAuthenticationLimit:Window"] = "00:10:00",
        });
        var valid = issuer.CreateToken("user_limited");
        var forged = issuer.CreateToken("user_limited", key: TestIssuer.CreateRsaKey("rsa-1"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await host.Http.GetAsync("/api/v1/me", forged)).StatusCode);
        }

        var limited = await host.Http.GetAsync("/api/v1/me", forged);
        var stillValid = await host.Http.GetAsync("/api/v1/me", valid);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), statuses.Take(5));
        Assert.All(statuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("600", limited.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
    }
}
