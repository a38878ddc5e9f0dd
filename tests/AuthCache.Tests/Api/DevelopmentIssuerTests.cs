using System.Net;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Api;

public sealed class DevelopmentIssuerTests
{
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
}
