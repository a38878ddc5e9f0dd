using AuthCache.Bench.Issuer;
using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>The seed's "before": JWKS and user fetched on every request, the token validated every time.</summary>
public sealed class BaselineSystem : ISystemUnderTest
{
    public string Name => SystemNames.Baseline;

    public string Description => "uncached: JWKS + user fetched and token validated on every request (JsonWebTokenHandler)";

    public bool? NearCache => null;

    public Task<RunningSystem> StartAsync(SystemContext context) => RunningSystem.StartAsync(async started =>
    {
        var port = FreePort.Next();
        var process = SutProcess.StartDotnet(Name, context.Layout.ContendersDll, [.. SystemContext.HttpArguments(port), .. ContenderArguments(context.Issuer, "baseline")], SystemContext.ProductionEnvironment, context.LogDirectory);
        started.Add(process);
        var endpoint = new Uri($"http://127.0.0.1:{port}");
        await process.WaitUntilReadyAsync(new Uri(endpoint, "/health/live"), TimeSpan.FromSeconds(60));
        return [endpoint];
    });

    internal static IEnumerable<string> ContenderArguments(FakeClerkIssuer issuer, string contender) =>
    [
        $"--Contender={contender}",
        $"--Clerk:Issuer={issuer.Issuer}",
        $"--Clerk:UsersBaseUrl={issuer.BaseUrl}",
        $"--Clerk:SecretKey={FakeClerkIssuer.SecretKey}",
    ];
}
