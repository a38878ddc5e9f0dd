using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Administration;

/// <summary>
/// The latest report of each API host. Reports are totals, so the latest one per host replaces the previous;
/// a host silent for <see cref="Retention"/> (stopped, scaled in) is dropped. Kept in memory: after a
/// restart of this grain the next round of reports (every few seconds) fills it again.
/// </summary>
internal sealed class ApiHostCountersGrain(TimeProvider time) : Grain, IApiHostCountersGrain
{
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, (ApiHostCounters Counters, DateTimeOffset ReceivedAt)> _reports = new(
        StringComparer.Ordinal);

    public Task ReportAsync(ApiHostCounters counters)
    {
        _reports[counters.Host] = (counters, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ApiHostCounters>> GetReportsAsync()
    {
        var cutoff = time.GetUtcNow() - Retention;
        foreach (var host in _reports.Where(r => r.Value.ReceivedAt < cutoff).Select(r => r.Key).ToList())
        {
            _reports.Remove(host);
        }

        return Task.FromResult<IReadOnlyList<ApiHostCounters>>(
            _reports.Values.Select(r => r.Counters).OrderBy(c => c.Host, StringComparer.Ordinal).ToArray());
    }
}
