using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

/// <summary>
/// A server on 127.0.0.1 that hostile tokens point at (<c>jku</c>, <c>x5u</c>, URL-shaped <c>kid</c>s). It answers
/// every request with the attacker's own key set, so a host that fetched and trusted it would accept the forgeries,
/// and it records every request so a test can assert that nothing ever asked.
/// </summary>
public sealed class RequestTrap : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication _app = null!;

    private RequestTrap()
    {
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The URL hostile headers name: it serves the attacker's JWKS.</summary>
    public string JwksUrl => BaseUrl + "/attacker/jwks.json";

    public IReadOnlyCollection<string> Requests => _requests;

    public static async Task<RequestTrap> StartAsync(RsaSecurityKey attackerKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var trap = new RequestTrap { _app = builder.Build() };
        var parameters = attackerKey.Rsa.ExportParameters(false);
        var jwks = new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = SecurityAlgorithms.RsaSha256, kid = attackerKey.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        };
        trap._app.Run(context =>
        {
            trap._requests.Enqueue(context.Request.Method + " " + context.Request.Path + context.Request.QueryString);
            return context.Response.WriteAsJsonAsync(jwks);
        });
        await trap._app.StartAsync();
        trap.BaseUrl = trap._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return trap;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
