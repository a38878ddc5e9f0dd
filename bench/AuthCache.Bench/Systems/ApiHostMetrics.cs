using System.Globalization;

namespace AuthCache.Bench.Systems;

/// <summary>Counters read from AuthCache processes' <c>/metrics</c> (Prometheus text), as an operator's scraper reads them.</summary>
public static class ApiHostMetrics
{
    public const string NearCacheHits = "authcache_near_cache_hits_total";

    public const string Fallbacks = "authcache_fallbacks_total";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// The metric summed over its series and over every endpoint; 0 where a process has not counted anything yet
    /// (an instrument appears only once used), null if an endpoint could not be scraped.
    /// </summary>
    public static async Task<long?> SumAsync(IEnumerable<Uri> endpoints, string metric)
    {
        long total = 0;
        foreach (var endpoint in endpoints)
        {
            try
            {
                total += Sum(await Http.GetStringAsync(new Uri(endpoint, "/metrics")), metric) ?? 0;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }

        return total;
    }

    /// <summary>The sum of a metric's series in a Prometheus text exposition; null if it has none.</summary>
    public static long? Sum(string? exposition, string metric)
    {
        long? total = null;
        foreach (var line in (exposition ?? "").Split('\n'))
        {
            if (line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is '{' or ' ')
            {
                var labelsEnd = line.IndexOf('}');
                var value = line[(labelsEnd < 0 ? metric.Length : labelsEnd + 1)..].Trim().Split(' ')[0];
                total = (total ?? 0) + (long)double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
