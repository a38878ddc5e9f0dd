using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthCache.Hosting.Tls;

/// <summary>
/// Whether this process's Orleans connections use mutual TLS. A cluster that spans processes is an authentication
/// authority anyone who reaches its ports could command, so in Production it does not start without TLS unless
/// <c>Orleans:Tls:Enabled=false</c> says so, and then every start says so in the log.
/// </summary>
internal static partial class TransportSecurity
{
    /// <exception cref="InvalidOperationException">Production, a cluster that spans processes, and
    /// <c>Orleans:Tls:Enabled</c> not set.</exception>
    public static bool IsEnabled(IHostApplicationBuilder builder, OrleansHostingOptions orleans)
    {
        var enabled = orleans.Tls.Enabled;
        if (enabled == true || !orleans.SpansProcesses)
        {
            return enabled == true;
        }

        if (enabled is null && builder.Environment.IsProduction())
        {
            throw new InvalidOperationException(
                "This process joins an Orleans cluster that spans processes (Redis clustering or Orleans:Mode=Client) "
                    + "without TLS, which Production refuses: "
                    + "set Orleans:Tls:Enabled=true with Orleans:Tls:CertificatePath and Orleans:Tls:CaPath, or "
                    + "Orleans:Tls:Enabled=false to run without it.");
        }

        if (enabled == false)
        {
            builder.Services.AddHostedService<TlsDisabledWarning>();
        }

        return false;
    }

    private sealed partial class TlsDisabledWarning(ILogger<TlsDisabledWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogDisabled(logger);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(
            EventId = 2644,
            Level = LogLevel.Warning,
            Message = "Orleans:Tls:Enabled is false: this cluster's Orleans connections are neither encrypted nor "
                + "authenticated, and anyone who reaches its silo or gateway ports can call its grains.")]
        private static partial void LogDisabled(ILogger logger);
    }
}
