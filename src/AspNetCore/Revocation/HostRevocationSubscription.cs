using AuthCache.AspNetCore.Statistics;
using AuthCache.Core;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>
/// The <see cref="RevocationSubscription"/> of an API host that is a client of the cluster (a host that co-hosts a
/// silo is served by its silo's): subscribed under the host's name from start to stop, retried every second until
/// the cluster answers, renewed at once when a gateway connection comes back, and marked behind the moment the
/// connection to the cluster is lost, so the near cache stops answering until the copy is resynchronised.
/// </summary>
internal sealed class HostRevocationSubscription(
    IServiceProvider services,
    AuthCacheProcess process,
    ApiHostIdentity identity) : IHostedService, IClusterConnectionStatusObserver
{
    private RevocationSubscription? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!process.HostsSilo)
        {
            _subscription = ActivatorUtilities.CreateInstance<RevocationSubscription>(
                services,
                RevocationSubscriber.ForHost(identity.Name));
            _subscription.Start();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _subscription?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public void NotifyGatewayCountChanged(
        int currentNumberOfGateways,
        int previousNumberOfGateways,
        bool connectionRecovered)
    {
        if (connectionRecovered || currentNumberOfGateways > previousNumberOfGateways)
        {
            _subscription?.SyncSoon();
        }
    }

    public void NotifyClusterConnectionLost() => _subscription?.ConnectionLost();
}
