using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AuthCache.Hosting;

internal static class HostShutdownExtensions
{
    public const string ShutdownTimeoutKey = "HostOptions:ShutdownTimeout";

    /// <summary>
    /// <c>HostOptions:ShutdownTimeout</c>, 120 s by default (the .NET default is 30 s): long enough for a silo
    /// to leave the membership table and hand over its grains, and shorter than the Kubernetes grace period.
    /// </summary>
    public static IHostApplicationBuilder ConfigureShutdownTimeout(this IHostApplicationBuilder builder)
    {
        var timeout = builder.Configuration.GetValue(ShutdownTimeoutKey, TimeSpan.FromSeconds(120));
        if (timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{ShutdownTimeoutKey} must be positive.");
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
        return builder;
    }
}
