using System.Collections.Concurrent;
using System.Reflection;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace AuthCache.Grains.Security;

/// <summary>
/// Refuses calls to <see cref="SiloOnlyAttribute"/> methods that do not come from the cluster's silos. A call's
/// source is the caller's id: a grain's for a grain, a client id for an Orleans client. A silo's own code outside a
/// grain (its background services) calls through the silo's hosted client, whose id is <c>hosted-</c> and the
/// silo's address. Membership is not consulted: a silo that has just joined calls before every other silo has
/// seen it become active.
/// <para>
/// The source id is what the caller's messages declare: the gateway does not check it against the connection, and
/// Orleans' client library gives an application no way to choose it. The boundary is mutual TLS (only holders of
/// the cluster's certificates connect at all); this filter keeps a client, which holds a client certificate, to
/// the methods an API host needs.
/// </para>
/// </summary>
internal sealed partial class SiloOnlyCallFilter(ILogger<SiloOnlyCallFilter> logger) : IIncomingGrainCallFilter
{
    private const string HostedClientPrefix = "hosted-";

    private static readonly ConcurrentDictionary<MethodInfo, bool> SiloOnlyMethods = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod is not { } method
            || !SiloOnlyMethods.GetOrAdd(method, m => m.IsDefined(typeof(SiloOnlyAttribute), inherit: true))
            || IsSilo(context.SourceId))
        {
            return context.Invoke();
        }

        LogRefused(logger, context.InterfaceName, context.MethodName, context.SourceId?.ToString() ?? "unknown");
        throw new UnauthorizedAccessException(
            $"{context.InterfaceName}.{context.MethodName} may be called only by the cluster's silos.");
    }

    private static bool IsSilo(GrainId? source)
    {
        if (source is not { } id)
        {
            return false;
        }

        if (!id.IsClient())
        {
            return true;
        }

        var key = id.Key.ToString();
        return key.StartsWith(HostedClientPrefix, StringComparison.Ordinal)
            && SiloAddress.TryParse(key[HostedClientPrefix.Length..], null, out _);
    }

    [LoggerMessage(
        EventId = 2645,
        Level = LogLevel.Warning,
        Message = "Refused a call to {Interface}.{Method} from {Source}: only the cluster's silos may call it.")]
    private static partial void LogRefused(ILogger logger, string @interface, string method, string source);
}
