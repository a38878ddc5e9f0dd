namespace AuthCache.GrainInterfaces;

/// <summary>
/// Where API hosts report their request-cache and fallback counters, so the stats endpoint of any host can
/// show the totals of all of them. A host that stops reporting is forgotten after a while. Use key 0.
/// </summary>
[Alias("AuthCache.IApiHostCountersGrain")]
public interface IApiHostCountersGrain : IGrainWithIntegerKey
{
    /// <summary>Records a host's latest totals, replacing what that host reported before.</summary>
    [Alias("Report")]
    Task ReportAsync(ApiHostCounters counters);

    /// <summary>The latest report of every host that reported recently, one per host.</summary>
    [Alias("GetReports")]
    Task<IReadOnlyList<ApiHostCounters>> GetReportsAsync();
}
