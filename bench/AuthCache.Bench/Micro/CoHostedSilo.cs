using AuthCache.AspNetCore;
using AuthCache.Bench.Issuer;
using AuthCache.Bench.Processes;
using AuthCache.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthCache.Bench.Micro;

/// <summary>
/// A real silo with the AuthCache grains and the cached scheme's services in this process (localhost clustering),
/// trusting a fake issuer with no latency: what the microbenchmarks and the bytes-per-token measurement call into.
/// </summary>
public sealed class CoHostedSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private CoHostedSilo(IHost host, FakeClerkIssuer issuer)
    {
        _host = host;
        Issuer = issuer;
    }

    public FakeClerkIssuer Issuer { get; }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host.Services;

    public static async Task<CoHostedSilo> StartAsync()
    {
        var issuer = await FakeClerkIssuer.StartAsync(TimeSpan.Zero, TimeSpan.Zero);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:Issuers:0:AuthorizedParties:0"] = FakeClerkIssuer.AuthorizedParty,
            ["AuthCache:UserProfiles:BaseUrl"] = issuer.BaseUrl,
            ["AuthCache:UserProfiles:SecretKey"] = FakeClerkIssuer.SecretKey,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort.Next(), FreePort.Next(), clusterId: $"bench-{Guid.NewGuid():N}")
            .AddAuthCacheLocalPersistence()
            .AddAuthCacheGrains());

        // The cached scheme's services (scoped resolver, request cache), as an API host registers them.
        builder.Services.AddAuthCache();
        var host = builder.Build();
        await host.StartAsync();
        return new CoHostedSilo(host, issuer);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Issuer.DisposeAsync();
    }
}
