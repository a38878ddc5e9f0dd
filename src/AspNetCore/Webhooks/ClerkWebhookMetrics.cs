using System.Diagnostics.Metrics;
using AuthCache.Core.Diagnostics;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>
/// Webhook deliveries refused before their signature was accepted, by reason code (a fixed set: see
/// <see cref="SvixVerification"/>): a burst means a wrong or rotated signing secret, or someone probing the endpoint.
/// And deliveries deferred because the endpoint's queue was full: a burst means a storm the concurrency bound keeps
/// from the rest of the host, which Svix delivers again later.
/// </summary>
internal sealed class ClerkWebhookMetrics
{
    private readonly Counter<long> _verificationFailures;
    private readonly Counter<long> _deferred;

    public ClerkWebhookMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(AuthCacheMetrics.MeterName);
        _verificationFailures = meter.CreateCounter<long>(
            "authcache.webhooks.verification_failures",
            description: "Clerk webhook deliveries whose Svix signature could not be verified, by reason.");
        _deferred = meter.CreateCounter<long>(
            "authcache.webhooks.deferred",
            description: "Clerk webhook deliveries answered 429 because as many as AuthCache:Webhooks:QueueLimit were "
                + "already waiting.");
    }

    public void Deferred() => _deferred.Add(1);

    public void VerificationFailed(string reason) =>
        _verificationFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
