using System.Diagnostics.Metrics;
using AuthCache.Core.Diagnostics;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>
/// Webhook deliveries refused before their signature was accepted, by reason code (a fixed set: see
/// <see cref="SvixVerification"/>). A burst means a wrong or rotated signing secret, or someone probing the endpoint.
/// </summary>
internal sealed class ClerkWebhookMetrics
{
    private readonly Counter<long> _verificationFailures;

    public ClerkWebhookMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(AuthCacheMetrics.MeterName);
        _verificationFailures = meter.CreateCounter<long>(
            "authcache.webhooks.verification_failures",
            description: "Clerk webhook deliveries whose Svix signature could not be verified, by reason.");
    }

    public void VerificationFailed(string reason) => _verificationFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
