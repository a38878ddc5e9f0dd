using AuthCache.Core;
using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Webhooks;

/// <summary>
/// Remembers one verified webhook message for the replay window (the activation is the memory: it deactivates
/// itself when the window ends). A restarted silo forgets; the timestamp tolerance still bounds a replay.
/// </summary>
internal sealed class WebhookMessageGrain(AuthCacheClock clock) : Grain, IWebhookMessageGrain
{
    private DateTimeOffset? _acceptedUntil;
    private IGrainTimer? _forget;

    public Task<bool> TryAcceptAsync(TimeSpan window)
    {
        var now = clock.UtcNow;
        if (_acceptedUntil is { } until && now < until)
        {
            return Task.FromResult(false);
        }

        _acceptedUntil = now + window;
        DelayDeactivation(window);
        _forget?.Dispose();
        _forget = this.RegisterGrainTimer(
            static (grain, _) =>
            {
                grain.DeactivateOnIdle();
                return Task.CompletedTask;
            },
            this,
            new GrainTimerCreationOptions { DueTime = window, Period = Timeout.InfiniteTimeSpan });
        return Task.FromResult(true);
    }

    public Task AbandonAsync()
    {
        _acceptedUntil = null;
        _forget?.Dispose();
        _forget = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
