using AuthCache.AspNetCore.Caching;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>
/// What every token resolution of an API host passes before any path answers it (near cache, grain, hedge, fallback,
/// direct scheme): a copy of the revocation list the cluster last confirmed more than
/// <see cref="RevocationOptions.MaxReplicaLag"/> ago (a host that was frozen, partitioned or starved) is resynchronised
/// first, waiting at most <see cref="AuthCacheOptions.FallbackAfter"/>. When the cluster cannot do it in that time the
/// host answers with the copy it has and counts it; requests meanwhile share the one resynchronisation under way. A
/// host whose grain calls are already failing (<see cref="ClusterAvailability"/>) does not wait: it asks for the
/// resynchronisation and answers with its copy at once, counted the same way, so an outage does not cost each request
/// a second wait. A process whose copy no subscription keeps (no cluster) has nothing to wait for. The near cache
/// answers only a resolution that passed here (<see cref="ReplicaCheck"/>).
/// </summary>
internal sealed class ReplicaFreshness(
    RevocationReplica replica,
    ClusterAvailability cluster,
    IOptionsMonitor<AuthCacheOptions> options,
    TimeProvider time,
    RevocationMetrics metrics)
{
    public ValueTask<ReplicaCheck> EnsureCurrentAsync()
    {
        var maxLag = replica.MaxLag;
        if (!replica.HasSynchroniser || replica.IsConfirmedWithin(maxLag))
        {
            return ValueTask.FromResult(default(ReplicaCheck));
        }

        if (cluster.IsUnavailable)
        {
            replica.RequestSynchronisation();
            metrics.StaleReplicaAnswer();
            return ValueTask.FromResult(new ReplicaCheck(LagAccepted: true));
        }

        return new ValueTask<ReplicaCheck>(ResynchroniseAsync(maxLag));
    }

    private async Task<ReplicaCheck> ResynchroniseAsync(TimeSpan maxLag)
    {
        var started = time.GetTimestamp();
        var wait = options.CurrentValue.FallbackAfter;
        do
        {
            // Taken before asking: a synchronisation that ends in between still wakes this wait.
            var next = replica.NextSynchronisation;
            replica.RequestSynchronisation();
            var remaining = wait - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            try
            {
                await next.WaitAsync(remaining, time);
            }
            catch (TimeoutException)
            {
                break;
            }

            // A synchronisation asked for before the lag began (the host froze while it travelled) vouches for too
            // little.
        }
        while (!replica.IsConfirmedWithin(maxLag));

        if (!replica.IsConfirmedWithin(maxLag))
        {
            metrics.StaleReplicaAnswer();
            return new ReplicaCheck(LagAccepted: true);
        }

        return default;
    }
}
