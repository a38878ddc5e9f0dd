using System.Diagnostics.Metrics;
using AuthCache.Core.Diagnostics;

namespace AuthCache.Grains.Diagnostics;

/// <summary>
/// <c>authcache.cluster.active_silos</c>: the silos Active in the membership table as this silo sees it, once this
/// silo is active itself. Compared with the silo Deployment's replicas it tells a cluster that runs short of silos
/// (a pod that never joined, one declared dead, one left out of the membership). Orleans' own meter has no such
/// instrument.
/// </summary>
internal sealed class ActiveSilosMetric(IMeterFactory meterFactory, IClusterMembershipService membership)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private int _created;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ActiveSilosMetric), ServiceLifecycleStage.Active, _ =>
        {
            if (Interlocked.Exchange(ref _created, 1) == 0)
            {
                meterFactory.Create(AuthCacheMetrics.MeterName).CreateObservableGauge(
                    "authcache.cluster.active_silos",
                    CountActiveSilos,
                    description: "Silos Active in the cluster's membership table, as this silo sees it.");
            }

            return Task.CompletedTask;
        });

    private int CountActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
}
