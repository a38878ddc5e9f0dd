using AuthCache.Core.Jwks;
using AuthCache.Core.Options;

namespace AuthCache.Grains;

internal sealed partial class JwksGrain
{
    private async Task RefreshIfDueAsync()
    {
        if (_state.IsRefreshDue(Clock.UtcNow))
        {
            await FetchOnceAsync();
        }
        else
        {
            ScheduleRefresh();
        }
    }

    /// <summary>
    /// The timer's tick. A tick is a request of this activation, and a deactivation waits for running requests: it
    /// starts the fetch without awaiting it, so the fetch, not the tick, runs on, and is cancelled if the activation
    /// ends.
    /// </summary>
    private Task StartRefreshIfDue()
    {
        if (_state.IsRefreshDue(Clock.UtcNow))
        {
            _ = FetchOnceAsync();
        }
        else
        {
            ScheduleRefresh();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Arms the one-shot timer for the next refresh (or retry); reminders alone cannot fire sooner than a
    /// minute.
    /// </summary>
    private void ScheduleRefresh()
    {
        var due = _state.NextRefreshAt - Clock.UtcNow;
        var dueTime = due < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : due;
        if (_refreshTimer is null)
        {
            _refreshTimer = this.RegisterGrainTimer(
                static (grain, _) => grain.StartRefreshIfDue(),
                this,
                new GrainTimerCreationOptions { DueTime = dueTime, Period = Timeout.InfiniteTimeSpan });
        }
        else
        {
            _refreshTimer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task StopRefreshingAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _refreshTimer?.Dispose();
        _refreshTimer = null;
        DeactivateOnIdle();
    }

    /// <summary>
    /// Often enough that a lost activation is back well before the 80% mark; reminders cannot tick faster than
    /// a minute.
    /// </summary>
    internal static TimeSpan ReminderPeriod(AuthCacheOptions settings)
    {
        var period = settings.JwksRefreshInterval * (1 - JwksKeyState.RefreshAt);
        return period < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1)
            : period > TimeSpan.FromMinutes(15) ? TimeSpan.FromMinutes(15)
            : period;
    }
}
