using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// Builds every JwtBearer scheme's options when the host starts, so a scheme that uses AuthCache with settings it
/// cannot honour stops the start with the reason instead of failing its first request.
/// </summary>
internal sealed class AuthCacheSchemeCheck(IAuthenticationSchemeProvider schemes, IOptionsMonitor<JwtBearerOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var scheme in await schemes.GetAllSchemesAsync())
        {
            if (typeof(JwtBearerHandler).IsAssignableFrom(scheme.HandlerType))
            {
                _ = options.Get(scheme.Name);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
