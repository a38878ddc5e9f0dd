using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// The silo's <see cref="RevocationSubscription"/>: subscribed under the silo's address once the silo is active,
/// renewed at once on every membership change (the list's silo may be gone, and its new activation must know every
/// silo again), unsubscribed when the silo stops.
/// </summary>
internal sealed class SiloRevocationSubscription(
    IServiceProvider services,
    ILocalSiloDetails silo,
    IClusterMembershipService membership) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private RevocationSubscription? _subscription;
    private Task _watch = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloRevocationSubscription), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken cancellationToken)
    {
        var subscription = ActivatorUtilities.CreateInstance<RevocationSubscription>(
            services,
            RevocationSubscriber.ForSilo(silo.SiloAddress));
        subscription.Start();
        _subscription = subscription;
        _watch = Task.Run(() => WatchMembershipAsync(subscription, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_subscription is { } subscription)
        {
            await subscription.StopAsync(cancellationToken);
        }
    }

    private async Task WatchMembershipAsync(RevocationSubscription subscription, CancellationToken stopping)
    {
        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(stopping))
            {
                subscription.SyncSoon();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
