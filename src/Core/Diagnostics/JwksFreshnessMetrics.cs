using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Diagnostics;

/// <summary>
/// How fresh each issuer's signing keys are, as observable gauges on the <see cref="AuthCacheMetrics.MeterName"/>
/// meter, reported by the silo whose <c>JwksGrain</c> activation holds them (one silo per issuer at a time; while an
/// activation moves two may report for a moment, so aggregate with <c>max</c>). Tagged with the issuer URL only.
/// </summary>
internal sealed class JwksFreshnessMetrics
{
    private readonly ConcurrentDictionary<string, JwksStatus> _issuers = new(StringComparer.Ordinal);
    private readonly AuthCacheClock _clock;

    public JwksFreshnessMetrics(IMeterFactory meterFactory, AuthCacheClock clock)
    {
        _clock = clock;
        var meter = meterFactory.Create(AuthCacheMetrics.MeterName);
        meter.CreateObservableGauge(
            "authcache.jwks.key_age",
            ObserveKeyAge,
            unit: "s",
            description: "Seconds since the issuer's signing keys were last fetched successfully (absent until a "
                + "first success).");
        meter.CreateObservableGauge(
            "authcache.jwks.stale",
            ObserveStale,
            description: "1 while the issuer's keys are past their expiry (served as last-known-good, or withheld "
                + "past the maximum staleness) or were never fetched, else 0.");
    }

    /// <summary>The keys' state as the issuer's grain holds them now; replaces what was reported before.</summary>
    public void Report(JwksStatus status) => _issuers[status.Issuer] = status;

    /// <summary>The grain left this silo: another silo reports the issuer from now on.</summary>
    public void Forget(string issuer) => _issuers.TryRemove(issuer, out _);

    private IEnumerable<Measurement<double>> ObserveKeyAge()
    {
        var now = _clock.UtcNow;
        foreach (var status in _issuers.Values)
        {
            if (status.LastRefresh is { } fetchedAt)
            {
                yield return new Measurement<double>((now - fetchedAt).TotalSeconds, IssuerTag(status));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveStale()
    {
        var now = _clock.UtcNow;
        foreach (var status in _issuers.Values)
        {
            var stale = status.ExpiresAt is not { } expiresAt || now >= expiresAt;
            yield return new Measurement<int>(stale ? 1 : 0, IssuerTag(status));
        }
    }

    private static KeyValuePair<string, object?> IssuerTag(JwksStatus status) => new("issuer", status.Issuer);
}
