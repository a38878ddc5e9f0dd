using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// Builds every JwtBearer scheme's options when the host starts, so a scheme that uses AuthCache with settings it
/// cannot honour stops the start with the reason instead of failing its first request. It runs in
/// <see cref="IHostedLifecycleService.StartingAsync"/>, before any hosted service starts (the Orleans silo or client
/// among them), and reports the failures of every scheme at once, in one line. A process that registers the cache
/// without authentication (a silo host serving only grains) has no scheme to check.
/// </summary>
internal sealed class AuthCacheSchemeCheck(IServiceProvider services, IOptionsMonitor<JwtBearerOptions> options) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (services.GetService(typeof(IAuthenticationSchemeProvider)) is not IAuthenticationSchemeProvider schemes)
        {
            return;
        }

        var failures = new List<string>();
        foreach (var scheme in await schemes.GetAllSchemesAsync())
        {
            if (!typeof(JwtBearerHandler).IsAssignableFrom(scheme.HandlerType))
            {
                continue;
            }

            try
            {
                _ = options.Get(scheme.Name);
            }
            catch (OptionsValidationException refused)
            {
                failures.AddRange(refused.Failures);
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(JwtBearerOptions), failures);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
