using System.Globalization;
using AuthCache.AspNetCore;
using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Hosting;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AuthCache.Tests.JwtBearer;

/// <summary>Start-up mistakes of an application that adopts AuthCache, each reported in one line a person can act on.</summary>
public sealed class StartupMistakeTests
{
    [Fact]
    public async Task UseAuthCache_without_AddAuthCache_stops_the_start_in_one_line_that_names_the_missing_call()
    {
        var logs = new LogCapture();
        await using var app = Build("Production", addAuthCache: false, logs);

        var error = await Assert.ThrowsAsync<AuthCacheStartupException>(() => app.StartAsync());

        Assert.Equal(
            "The JwtBearer scheme 'Bearer' calls UseAuthCache() but the AuthCache services are not registered, so it would refuse every token: "
            + "add builder.Services.AddAuthCache() (using AuthCache.AspNetCore), with the issuers in AuthCache:Issuers.",
            error.Message);
        StartupLog.AssertReportedInOneLine(logs, error.Message);
    }

    /// <summary>
    /// Development also validates the container when it is built, which used to refuse every service that needs an
    /// Orleans cluster before anything could name the missing call.
    /// </summary>
    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task AddAuthCache_without_AddAuthCacheCluster_stops_the_start_in_one_line_that_names_the_missing_call(string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAuthCache(options => options.Issuers.Add(new IssuerOptions { Issuer = "https://clerk.example" }));
        builder.Services.AddAuthentication().AddJwtBearer(bearer =>
        {
            bearer.Authority = "https://clerk.example";
            bearer.UseAuthCache();
        });
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<AuthCacheStartupException>(() => app.StartAsync());

        Assert.Equal(
            "AddAuthCache() needs an Orleans cluster and none is registered (no IGrainFactory): add builder.AddAuthCacheCluster() "
            + "(using AuthCache.Hosting) for an embedded silo or a client of your silos (Orleans:Mode), or register your own Orleans client first.",
            error.Message);
    }

    [Theory]
    [InlineData("Production", true)]
    [InlineData("Staging", true)]
    [InlineData("Development", false)]
    public async Task An_issuer_with_RequireHttps_false_is_warned_of_outside_Development(string environment, bool warned)
    {
        var logs = new LogCapture();
        await using var app = Build(environment, addAuthCache: true, logs);

        await app.StartAsync();
        await app.StopAsync();

        var warning = $"Warning AuthCache.AspNetCore.Authentication.AuthCacheSchemeCheck[2665] AuthCache:Issuers:0:RequireHttps is false for issuer http://127.0.0.1:9/ in the {environment} environment: "
            + "its keys may be fetched without TLS, where anyone on the path can replace them. Remove RequireHttps=false (it is meant for a local development issuer) or run in Development.";
        Assert.Equal(warned ? 1 : 0, logs.Lines.Count(l => l.StartsWith(warning, StringComparison.Ordinal)));
    }

    private static WebApplication Build(string environment, bool addAuthCache, LogCapture logs)
    {
        const string issuer = "http://127.0.0.1:9/";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "mistake-" + Guid.NewGuid().ToString("N"),
            ["AuthCache:Dashboard:Enabled"] = "false",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.AddAuthCacheCluster();
        if (addAuthCache)
        {
            builder.Services.AddAuthCache(options => options.Issuers.Add(new IssuerOptions { Issuer = issuer, RequireHttps = false }));
        }

        builder.Services.AddAuthentication().AddJwtBearer(bearer =>
        {
            bearer.Authority = issuer;
            bearer.UseAuthCache();
        });
        return builder.Build();
    }
}
