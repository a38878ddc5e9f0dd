using AuthCache.Core;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AuthCache.Grains;

/// <summary>
/// The signing keys of one issuer for the whole cluster. Reentrant so that callers never queue behind a slow
/// fetch when good keys are at hand; concurrent callers that do need a fetch share the one in flight.
/// </summary>
[Reentrant]
public sealed partial class JwksGrain(
    JwksFetcher fetcher,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    ILogger<JwksGrain> logger) : Grain, IJwksGrain
{
    private JwksKeyState _state = null!;
    private Task<JwksSnapshot>? _fetch;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state = new JwksKeyState(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public Task<JwksSnapshot> GetKeysAsync() =>
        _state.IsFetchDue(clock.UtcNow) ? FetchOnceAsync() : Task.FromResult(_state.Current(clock.UtcNow));

    public Task<JwksSnapshot> RefreshForUnknownKeyAsync(string keyId)
    {
        var now = clock.UtcNow;
        if (_fetch is { } running)
        {
            return running;
        }

        if (!_state.MayFetchForUnknownKey(keyId, now, options.CurrentValue.JwksRefreshCooldown))
        {
            return Task.FromResult(_state.Current(now));
        }

        _state.MarkUnknownKeyFetch(now);
        LogUnknownKeyRefresh(logger, _state.Issuer);
        return FetchOnceAsync();
    }

    public Task<JwksSnapshot> ForceRefreshAsync() => FetchOnceAsync();

    public Task<JwksStatus> GetStatusAsync() => Task.FromResult(_state.ToStatus(clock.UtcNow));

    private Task<JwksSnapshot> FetchOnceAsync()
    {
        if (_fetch is { } running)
        {
            return running;
        }

        var fetch = FetchAsync();
        if (!fetch.IsCompleted)
        {
            _fetch = fetch;
        }

        return fetch;
    }

    private async Task<JwksSnapshot> FetchAsync()
    {
        try
        {
            var settings = options.CurrentValue;
            var issuer = settings.FindIssuer(_state.Issuer);
            if (issuer is null)
            {
                // Only trusted code reaches this grain, but an unconfigured key must not stay activated.
                DeactivateOnIdle();
                return _state.Apply(JwksFetchResult.Failed("issuer is not configured"), clock.UtcNow, settings.JwksRefreshInterval);
            }

            var result = await fetcher.FetchAsync(issuer);
            return _state.Apply(result, clock.UtcNow, settings.JwksRefreshInterval);
        }
        finally
        {
            _fetch = null;
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "A token named an unknown signing key of issuer {Issuer}; refreshing its keys.")]
    private static partial void LogUnknownKeyRefresh(ILogger logger, string issuer);
}
