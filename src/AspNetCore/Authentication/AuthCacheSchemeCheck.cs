using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// Builds every JwtBearer scheme's options when the host starts, so a scheme that uses AuthCache with settings it
/// cannot honour stops the start with the reason instead of failing its first request. A process that registers the
/// cache without authentication (a silo host serving only grains) has no scheme to check.
/// </summary>
internal sealed class AuthCacheSchemeCheck(IServiceProvider services, IOptionsMonitor<JwtBearerOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService(typeof(IAuthenticationSchemeProvider)) is not IAuthenticationSchemeProvider schemes)
        {
            return;
        }

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
