using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthCache.Silo.Health;

/// <summary>
/// Ready while this silo is Active in the membership table: not yet while it joins, no longer once it shuts
/// down, so traffic and rollouts wait for the cluster to have taken it in.
/// </summary>
internal sealed class SiloMembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails localSilo)
    : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(localSilo.SiloAddress);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var data = new Dictionary<string, object> { ["status"] = status.ToString(), ["activeSilos"] = active };
        return Task.FromResult(
            status == SiloStatus.Active
                ? HealthCheckResult.Healthy($"Silo {localSilo.Name} is active; {active} active silo(s).", data)
                : new HealthCheckResult(
                    context.Registration.FailureStatus,
                    $"Silo {localSilo.Name} is {status}.",
                    data: data));
    }
}
