using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthCache.AspNetCore.Health;

/// <summary>Healthy when the Orleans cluster answers and lists at least one active silo.</summary>
internal sealed class ClusterHealthCheck(IGrainFactory grainFactory) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await grainFactory
                .GetGrain<IManagementGrain>(0)
                .GetHosts(onlyActive: true)
                .WaitAsync(Timeout, cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy(
                    $"{hosts.Count} active silo(s).",
                    new Dictionary<string, object> { ["silos"] = hosts.Count })
                : new HealthCheckResult(context.Registration.FailureStatus, "The cluster has no active silo.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"The cluster did not answer ({ex.GetType().Name}).");
        }
    }
}
