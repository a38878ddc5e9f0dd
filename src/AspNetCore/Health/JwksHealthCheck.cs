using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Health;

/// <summary>
/// Signing keys per configured issuer: Healthy when present and fresh, Degraded when stale or the last fetch
/// failed, Unhealthy when an issuer has none. Asking for the keys also loads them on first use.
/// </summary>
internal sealed class JwksHealthCheck(IGrainFactory grainFactory, IOptionsMonitor<AuthCacheOptions> options)
    : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(12);

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        var issuers = options.CurrentValue.Issuers;
        if (issuers.Count == 0)
        {
            return HealthCheckResult.Unhealthy("No issuer is configured (AuthCache:Issuers).");
        }

        var problems = new List<string>();
        var worst = HealthStatus.Healthy;
        var data = new Dictionary<string, object>();
        foreach (var issuer in issuers)
        {
            JwksSnapshot keys;
            try
            {
                keys = await grainFactory
                    .GetGrain<IJwksGrain>(issuer.Issuer)
                    .GetKeysAsync()
                    .WaitAsync(Timeout, cancellationToken);
            }
            catch (Exception ex)
                when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                problems.Add($"{issuer.Issuer}: keys could not be read from the cluster ({ex.GetType().Name})");
                worst = Worse(worst, context.Registration.FailureStatus);
                continue;
            }

            data[issuer.Issuer] = keys.Keys.Count;
            if (!keys.HasKeys)
            {
                problems.Add($"{issuer.Issuer}: no signing keys ({keys.LastError ?? "never fetched"})");
                worst = HealthStatus.Unhealthy;
            }
            else if (keys.IsStale || keys.LastError is not null)
            {
                problems.Add(
                    keys.LastError is null
                        ? $"{issuer.Issuer}: keys expired at {keys.ExpiresAt:o}, refresh pending"
                        : $"{issuer.Issuer}: serving {(keys.IsStale ? "stale" : "last-known-good")} keys fetched "
                            + $"{keys.FetchedAt:o}; last refresh failed: {keys.LastError}");
                worst = Worse(worst, HealthStatus.Degraded);
            }
        }

        var description =
            problems.Count == 0 ? $"Fresh signing keys for {issuers.Count} issuer(s)." : string.Join("; ", problems);
        return new HealthCheckResult(worst, description, data: data);
    }

    private static HealthStatus Worse(HealthStatus a, HealthStatus b) => a < b ? a : b;
}
