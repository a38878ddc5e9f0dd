namespace AuthCache.GrainInterfaces;

/// <summary>
/// Where API hosts report their request-cache and fallback counters, so the stats endpoint of any host can
/// show the totals of all of them. A host that stops reporting is forgotten after a while. Use key 0.
/// </summary>
[Alias("AuthCache.IApiHostCountersGrain")]
public interface IApiHostCountersGrain : IGrainWithIntegerKey
{
    [Alias("Report")]
    Task ReportAsync(ApiHostCounters counters);

    [Alias("GetReports")]
    Task<IReadOnlyList<ApiHostCounters>> GetReportsAsync();
}
