using System.Net;
using System.Net.Http.Headers;
using AuthCache.AspNetCore;
using AuthCache.Core.Options;
using AuthCache.Grains;
using AuthCache.Hosting;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Polly;

namespace AuthCache.Tests.ApiHost;

/// <summary>
/// An application as <c>dotnet new web</c> makes it (its appsettings.json: <c>Default</c> Information,
/// <c>Microsoft.AspNetCore</c> Warning, nothing said of Orleans or Polly) with AuthCache in embedded mode logs nothing
/// per request.
/// </summary>
public sealed class QuietLogTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;

    public async Task InitializeAsync() => _issuer = await TestIssuer.StartAsync();

    public async Task DisposeAsync() => await _issuer.DisposeAsync();

    [Fact]
    public async Task With_the_logging_defaults_of_dotnet_new_web_a_normal_run_logs_nothing_per_request()
    {
        var logs = new LogCapture();
        var builder = MinimalApp.CreateBuilder(logs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Orleans:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "quiet-" + Guid.NewGuid().ToString("N"),
        });
        builder.AddAuthCacheCluster();
        builder.Services.AddAuthCache(options => options.Issuers.Add(new IssuerOptions { Issuer = _issuer.Issuer, RequireHttps = false }));
        builder.Services.AddAuthentication().AddJwtBearer(bearer =>
        {
            bearer.Authority = _issuer.Issuer;
            bearer.TokenValidationParameters.ValidateAudience = false;
            bearer.UseAuthCache();
        });
        builder.Services.AddAuthorization();
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/hello", () => "hello").RequireAuthorization();
        using var http = new HttpClient { BaseAddress = new Uri(await MinimalApp.StartAsync(app)) };

        // The first request warms what a start warms (the issuer's keys); the lines after it are per request. Every
        // new token activates a grain, which Orleans places through its Polly pipeline ("Orleans.Placement"), whose
        // telemetry logs each run at Information unless the silo quiets it.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, NewToken())).StatusCode);
        var started = logs.Lines.Count;
        var repeated = NewToken();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add((await GetAsync(http, NewToken())).StatusCode);
            answers.Add((await GetAsync(http, repeated)).StatusCode);
        }

        answers.Add((await GetAsync(http, NewToken(lifetime: TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddMinutes(-20)))).StatusCode);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 20), HttpStatusCode.Unauthorized], answers);
        var perRequest = logs.Lines.Skip(started).ToList();
        Assert.True(perRequest.Count == 0, string.Join('\n', perRequest));
        await app.StopAsync();
    }

    private string NewToken(TimeSpan? lifetime = null, DateTime? now = null) =>
        _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), lifetime: lifetime, now: now);

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string token) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/hello") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } });
}

/// <summary>
/// Orleans' placement pipeline (<c>Orleans.Placement</c>) reports each run through Polly's telemetry at Information;
/// a silo with the AuthCache grains lowers those lines to Debug for that pipeline alone.
/// </summary>
public sealed class QuietPlacementTelemetryTests
{
    [Fact]
    public async Task A_silo_logs_no_Information_line_for_a_placement_run_and_keeps_every_other_pipelines_lines()
    {
        var logs = new LogCapture();
        var silo = new SiloServices();
        silo.Services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        silo.AddAuthCacheGrains();
        foreach (var pipeline in new[] { "Orleans.Placement", "App.Payments" })
        {
            silo.Services.AddResiliencePipeline(pipeline, builder => builder.AddRetry(new Polly.Retry.RetryStrategyOptions { MaxRetryAttempts = 1 }));
        }

        await using var services = silo.Services.BuildServiceProvider();
        var pipelines = services.GetRequiredService<Polly.Registry.ResiliencePipelineProvider<string>>();

        await pipelines.GetPipeline("Orleans.Placement").ExecuteAsync(_ => ValueTask.CompletedTask);
        await pipelines.GetPipeline("App.Payments").ExecuteAsync(_ => ValueTask.CompletedTask);

        var polly = logs.Lines.Where(l => l.Contains(" Polly[", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(polly, l => l.Contains("Orleans.Placement", StringComparison.Ordinal));
        Assert.Contains(polly, l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains("App.Payments", StringComparison.Ordinal));
    }

    private sealed class SiloServices : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
