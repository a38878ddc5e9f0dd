using AuthCache.Core;
using AuthCache.Core.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// Builds every JwtBearer scheme's options when the host starts, so a scheme that uses AuthCache with settings it
/// cannot honour, or without the AuthCache services (<c>UseAuthCache()</c> with no <c>AddAuthCache()</c>), stops
/// the start with the reason instead of failing its first request. It runs in
/// <see cref="IHostedLifecycleService.StartingAsync"/>, before any hosted service starts (the Orleans silo or client
/// among them), and reports the failures of every scheme at once, in one line. A process that registers the cache
/// without authentication (a silo host serving only grains) has no scheme to check. Outside Development it also warns
/// of every issuer whose keys may be fetched without TLS.
/// </summary>
internal sealed partial class AuthCacheSchemeCheck(
    IServiceProvider services,
    IOptionsMonitor<JwtBearerOptions> options,
    IOptionsMonitor<AuthCacheOptions> cacheOptions,
    IHostEnvironment environment,
    ILogger<AuthCacheSchemeCheck> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        WarnOfPlainHttpIssuers();
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
                if (AuthCacheJwtBearerSetup.HandlerOf(options.Get(scheme.Name)) is { IsBound: false })
                {
                    failures.Add(
                        $"The JwtBearer scheme '{scheme.Name}' calls UseAuthCache() but the AuthCache services are not "
                            + "registered, so it would refuse every token: "
                            + "add builder.Services.AddAuthCache() (using AuthCache.AspNetCore), with the issuers in "
                            + "AuthCache:Issuers.");
                }
            }
            catch (OptionsValidationException refused)
            {
                failures.AddRange(refused.Failures);
            }
        }

        if (failures.Count > 0)
        {
            throw new AuthCacheStartupException(string.Join("; ", failures));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void WarnOfPlainHttpIssuers()
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        var issuers = cacheOptions.CurrentValue.Issuers;
        for (var i = 0; i < issuers.Count; i++)
        {
            if (!issuers[i].RequireHttps)
            {
                LogPlainHttpIssuer(logger, i, issuers[i].Issuer, environment.EnvironmentName);
            }
        }
    }

    [LoggerMessage(
        EventId = 2665,
        Level = LogLevel.Warning,
        Message = "AuthCache:Issuers:{Index}:RequireHttps is false for issuer {Issuer} in the {Environment} "
            + "environment: its keys may be fetched without TLS, where anyone on the path can replace them. Remove "
            + "RequireHttps=false (it is meant for a local development issuer) or run in Development.")]
    private static partial void LogPlainHttpIssuer(ILogger logger, int index, string? issuer, string environment);
}
