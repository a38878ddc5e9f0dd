using AuthCache.ApiHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// The real API host (same composition as Program.cs, embedded silo) on Kestrel at 127.0.0.1, trusting a
/// <see cref="TestIssuer"/> over real HTTP, with every log line captured.
/// </summary>
public sealed class ApiHostFixture : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-7f3a9c";
    public const string AuthorizedParty = "https://app.example";
    public const string Audience = "api://authcache";

    /// <summary>The <c>role</c> claim value of admin tokens, from <see cref="Issuer"/> only.</summary>
    public const string AdminRole = "admin";

    public TestIssuer Issuer { get; private set; } = null!;

    public ApiHostInstance Host { get; private set; } = null!;

    public HttpClient Http => Host.Http;

    public LogCapture Logs => Host.Logs;

    public string AudienceIssuer => Issuer.Issuer + "/aud";

    /// <summary>A configured issuer whose key endpoint never answers (nothing listens on port 1).</summary>
    public string UnreachableIssuer => Issuer.Issuer + "/down";

    public async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = Issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:Issuers:0:AuthorizedParties:0"] = AuthorizedParty,
            ["AuthCache:Issuers:1:Issuer"] = AudienceIssuer,
            ["AuthCache:Issuers:1:RequireHttps"] = "false",
            ["AuthCache:Issuers:1:Audiences:0"] = Audience,
            ["AuthCache:Issuers:2:Issuer"] = UnreachableIssuer,
            ["AuthCache:Issuers:2:JwksUri"] = "http://127.0.0.1:1/jwks.json",
            ["AuthCache:Issuers:2:RequireHttps"] = "false",
            ["AuthCache:UserProfiles:BaseUrl"] = Issuer.BaseUrl,
            ["AuthCache:UserProfiles:SecretKey"] = TestIssuer.ClerkSecretKey,
            ["AuthCache:UserProfiles:Issuer"] = Issuer.Issuer,
            ["AuthCache:Admin:ApiKey"] = AdminKey,
            ["AuthCache:Admin:Role"] = AdminRole,
            ["AuthCache:Admin:Issuers:0"] = Issuer.Issuer,
            // The suite sends far more rejected tokens from 127.0.0.1 than any client should.
            ["AuthCache:FailedAuthenticationLimit:PermitLimit"] = "1000000",
            // Under Kestrel's 32 KB of request headers, so an oversized token reaches AuthCache instead of getting a 431.
            ["AuthCache:MaxTokenSize"] = "16384",
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}

/// <summary>One running API host process-in-a-test: Kestrel on 127.0.0.1 plus its embedded silo.</summary>
public sealed class ApiHostInstance : IAsyncDisposable
{
    private ApiHostInstance(WebApplication app, string baseUrl, LogCapture logs)
    {
        App = app;
        BaseUrl = baseUrl;
        Logs = logs;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public WebApplication App { get; }

    public string BaseUrl { get; }

    public HttpClient Http { get; }

    public LogCapture Logs { get; }

    public static async Task<ApiHostInstance> StartAsync(
        string environment,
        IDictionary<string, string?> settings,
        int? httpPort = null,
        Action<IServiceCollection>? configureServices = null,
        Action<WebApplication>? configureApp = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(ApiHostComposition).Assembly.GetName().Name,
        });
        builder.WebHost.UseUrls($"http://127.0.0.1:{httpPort ?? 0}");
        // Each host gets its own silo ports and cluster unless the test joins it to a given cluster.
        var configuration = new Dictionary<string, string?>(settings);
        configuration.TryAdd("Orleans:SiloPort", FreePort.Next().ToString());
        configuration.TryAdd("Orleans:GatewayPort", FreePort.Next().ToString());
        configuration.TryAdd("Orleans:ClusterId", "test-" + Guid.NewGuid().ToString("N"));

        // A busy CI machine can take longer than the 250 ms default for a cold grain call, and the host would answer
        // it itself: tests that assert where an answer came from wait for the grain; the hedge's own tests opt in.
        configuration.TryAdd("AuthCache:FallbackAfter", "00:00:02");
        builder.Configuration.AddInMemoryCollection(configuration);
        var logs = new LogCapture();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("AuthCache", LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Debug);
        builder.Logging.AddFilter("Microsoft.IdentityModel", LogLevel.Trace);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Trace);
        configureServices?.Invoke(builder.Services);
        builder.AddApiHost();

        var app = builder.Build();
        app.MapApiHost();
        configureApp?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ApiHostInstance(app, address, logs);
    }

    /// <summary>
    /// The real API host in front of <paramref name="cluster"/> as an Orleans client of it (<c>Orleans:Mode=External</c>
    /// with the cluster's own client), in Production.
    /// </summary>
    public static Task<ApiHostInstance> StartClientOfAsync(
        InProcessTestCluster cluster,
        IDictionary<string, string?> settings,
        Action<IServiceCollection>? configureServices = null)
    {
        var client = cluster.Client;
        return StartAsync(
            "Production",
            new Dictionary<string, string?>(settings) { ["Orleans:Mode"] = "External" },
            configureServices: services =>
            {
                services.AddSingleton(client);
                services.AddSingleton<IGrainFactory>(client);
                configureServices?.Invoke(services);
            });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiHostCollection : ICollectionFixture<ApiHostFixture>
{
    public const string Name = "api-host";
}
