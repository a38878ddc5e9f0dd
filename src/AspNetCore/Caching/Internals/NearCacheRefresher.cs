using System.Diagnostics;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Caching.Internals;

/// <summary>
/// The eager refresher: asks the grain again for a near-cache copy near the end of its life, while the copy goes on
/// answering. The grain's answer replaces it, or drops it when the grain no longer finds the token valid. A failed
/// call leaves the copy to end at its time, and the next request goes through the grain (hedge and fallback
/// included).
/// </summary>
internal sealed class NearCacheRefresher(
    GrainAnswers answers,
    TokenNearCache nearCache,
    ClusterAvailability cluster,
    IOptionsMonitor<AuthCacheOptions> options,
    TimeProvider time,
    AuthCacheMetrics metrics)
{
    /// <summary>Starts the refresh in the background; the request that triggered it does not wait.</summary>
    public void Refresh(string token, string hash) => _ = RefreshAsync(token, hash);

    public async Task RefreshAsync(string token, string hash)
    {
        // Not part of the request that happened to trigger it, which may be answered long before the grain is.
        Activity.Current = null;
        var version = answers.Version;
        try
        {
            var answer = await answers.Call(token, hash).WaitAsync(options.CurrentValue.GrainCallTimeout, time);
            cluster.Succeeded();
            if (answers.Accept(answer, hash, useNearCache: true, version).IsValid)
            {
                metrics.NearCacheRefreshed("valid");
            }
            else
            {
                nearCache.Remove(hash);
                metrics.NearCacheRefreshed("dropped");
            }
        }
        catch (Exception ex) when (GrainAnswers.IsClusterFailure(ex))
        {
            cluster.Failed(ex);
            metrics.NearCacheRefreshed("failed");
        }
    }
}
