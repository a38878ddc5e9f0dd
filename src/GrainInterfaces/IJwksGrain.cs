namespace AuthCache.GrainInterfaces;

/// <summary>The signing keys of one issuer, shared by the whole cluster. Keyed by the issuer URL.</summary>
[Alias("AuthCache.IJwksGrain")]
public interface IJwksGrain : IGrainWithStringKey
{
    /// <summary>The current keys, fetched first if there are none or they have expired.</summary>
    [Alias("GetKeys")]
    Task<JwksSnapshot> GetKeysAsync();

    /// <summary>
    /// A token named a key id this grain does not know: fetch again unless the key arrived meanwhile or a fetch
    /// for an unknown key happened within the cooldown.
    /// </summary>
    [Alias("RefreshForUnknownKey")]
    Task<JwksSnapshot> RefreshForUnknownKeyAsync(string keyId);

    /// <summary>
    /// Fetch now, whatever the state (operator action). Returns once the keys the issuer no longer lists are retired
    /// across the cluster.
    /// </summary>
    [Alias("ForceRefreshRetiring")]
    Task<JwksRefresh> ForceRefreshAsync();

    /// <summary>The keys' ids, freshness and fetch counts, for the stats endpoint; never fetches.</summary>
    [Alias("GetStatus")]
    Task<JwksStatus> GetStatusAsync();

    /// <summary>
    /// Maintenance: make sure the background refresh (reminder and timer) is in place, refresh if due, and
    /// report freshness. Idempotent; called at start-up and every maintenance interval by each silo.
    /// </summary>
    [Alias("EnsureRefreshScheduled"), SiloOnly]
    Task<JwksStatus> EnsureRefreshScheduledAsync();
}
