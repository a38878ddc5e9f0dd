using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace AuthCache.ApiHost.Hosting;

/// <summary>
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, honoured only from the proxies the <c>ForwardedHeaders</c>
/// section names (<c>KnownProxies</c>: addresses; <c>KnownNetworks</c>: CIDR ranges, such as the ingress controller's
/// pod network), so behind an ingress the client address (which the failed-authentication limit counts by) is the
/// real client's, and a client that is not a known proxy cannot choose its own. Nothing configured: no proxy is
/// trusted (ASP.NET Core's default would trust loopback, which any process on the machine can use).
/// </summary>
public static class ApiHostForwardedHeaders
{
    public const string SectionName = "ForwardedHeaders";

    public static WebApplicationBuilder AddApiHostForwardedHeaders(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IConfiguration>(
                (options, configuration) => Apply(options, Read(configuration.GetSection(SectionName))))
            .ValidateOnStart();
        return builder;
    }

    private static ProxySettings Read(IConfigurationSection section) => new(
        section.GetSection("KnownProxies").Get<List<string>>() ?? [],
        section.GetSection("KnownNetworks").Get<List<string>>() ?? [],
        section.GetValue<int?>("ForwardLimit") ?? 1);

    private static void Apply(ForwardedHeadersOptions options, ProxySettings settings)
    {
        var failures = new List<string>();
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = settings.ForwardLimit;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in settings.KnownProxies)
        {
            if (IPAddress.TryParse(proxy, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else
            {
                failures.Add($"{SectionName}:KnownProxies: '{proxy}' is not an IP address.");
            }
        }

        foreach (var network in settings.KnownNetworks)
        {
            if (System.Net.IPNetwork.TryParse(network, out var range))
            {
                options.KnownIPNetworks.Add(range);
            }
            else
            {
                failures.Add($"{SectionName}:KnownNetworks: '{network}' is not a CIDR range (such as 10.0.0.0/8).");
            }
        }

        if (settings.ForwardLimit < 1)
        {
            failures.Add($"{SectionName}:ForwardLimit must be at least 1.");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ForwardedHeadersOptions), failures);
        }
    }

    private sealed record ProxySettings(List<string> KnownProxies, List<string> KnownNetworks, int ForwardLimit);
}
