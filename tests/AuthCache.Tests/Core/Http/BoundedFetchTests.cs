using AuthCache.Core;
using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.Core.Profiles;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Grains.Administration;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace AuthCache.Tests.Core.Http;

/// <summary>
/// Key and profile fetches against an issuer over real HTTP that sends its headers and then stalls, or streams a body
/// that never ends: one deadline covers the whole exchange, and a stopping silo cancels what is in flight.
/// </summary>
public sealed class BoundedFetchTests : IAsyncLifetime
{
    // Generous against the short deadlines the tests configure, far below what a jammed fetch would take.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(12);

    private readonly LogCapture _logs = new();
    private TestIssuer _issuer = null!;
    private InProcessTestCluster? _cluster;

    public async Task InitializeAsync() => _issuer = await TestIssuer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await _issuer.DisposeAsync();
    }

    private IJwksGrain Keys => _cluster!.Client.GetGrain<IJwksGrain>(_issuer.Issuer);

    [Fact]
    public async Task A_key_body_that_stalls_fails_every_refresh_at_the_deadline_and_the_refresh_after_recovery_learns_the_rotated_key()
    {
        await DeployAsync(jwksFetchTimeout: "00:00:02");
        Assert.Null((await Keys.ForceRefreshAsync()).Keys.LastError);

        _issuer.Mode = JwksMode.StalledBody;
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var stalled = (await Keys.ForceRefreshAsync().WaitAsync(Bound)).Keys;

            Assert.Equal("timed out", stalled.LastError);
            Assert.Equal(["ec-1", "rsa-1"], stalled.Keys.Select(k => k.Kid).Order());
            await Poll.UntilAsync(() => Task.FromResult(_issuer.AbandonedJwksResponses == attempt), Bound, "the stalled exchange is closed by the client");
        }

        var rotated = TestIssuer.CreateRsaKey("rsa-2");
        _issuer.Publish(rotated);
        _issuer.Mode = JwksMode.Normal;
        var recovered = (await Keys.ForceRefreshAsync().WaitAsync(Bound)).Keys;

        Assert.Null(recovered.LastError);
        Assert.Contains(recovered.Keys, k => k.Kid == "rsa-2");
        var token = _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), key: rotated);
        var outcome = await _cluster!.Client.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token);
        Assert.True(outcome.IsValid, outcome.FailureReason);
    }

    [Fact]
    public async Task The_key_fetch_deadline_covers_the_body_and_runs_on_the_time_provider()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(_issuer.Settings()).Build());
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddAuthCacheCore();
        await using var provider = services.BuildServiceProvider();
        var fetcher = provider.GetRequiredService<JwksFetcher>();
        var issuer = provider.GetRequiredService<IOptions<AuthCacheOptions>>().Value.Issuers[0];

        _issuer.Mode = JwksMode.StalledBody;
        var fetch = fetcher.FetchAsync(issuer);
        await Poll.UntilAsync(() => Task.FromResult(_issuer.StalledJwksResponses == 1), Bound, "the issuer stalls the body");
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(fetch.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        var result = await fetch.WaitAsync(Bound);

        Assert.False(result.Succeeded);
        Assert.Equal("timed out", result.Error);
        await Poll.UntilAsync(() => Task.FromResult(_issuer.AbandonedJwksResponses >= 1), Bound, "the stalled exchange is closed by the client");
    }

    [Fact]
    public async Task A_forced_refresh_replaces_a_stalled_fetch_and_its_waiters_get_the_fresh_keys()
    {
        await DeployAsync(jwksFetchTimeout: "00:00:15");
        await Keys.ForceRefreshAsync();
        var failuresBefore = (await Keys.GetStatusAsync()).FetchFailures;

        _issuer.Mode = JwksMode.StalledBody;
        var waiting = Keys.RefreshForUnknownKeyAsync("rsa-2");
        await Poll.UntilAsync(() => Task.FromResult(_issuer.StalledJwksResponses == 1), Bound, "the issuer stalls a key fetch");

        _issuer.Publish(TestIssuer.CreateRsaKey("rsa-2"));
        _issuer.Mode = JwksMode.Normal;
        var forced = await Keys.ForceRefreshAsync().WaitAsync(Bound);
        var joined = await waiting.WaitAsync(Bound);

        Assert.Contains(forced.Keys.Keys, k => k.Kid == "rsa-2");
        Assert.Contains(joined.Keys, k => k.Kid == "rsa-2");

        // The stalled fetch was cancelled, not waited for: it never timed out and nothing of it was applied.
        Assert.Equal(failuresBefore, (await Keys.GetStatusAsync()).FetchFailures);
        await Poll.UntilAsync(() => Task.FromResult(_issuer.AbandonedJwksResponses == 1), Bound, "the stalled exchange is closed by the client");
    }

    [Fact]
    public async Task A_silo_stops_promptly_while_a_key_fetch_stalls()
    {
        await DeployAsync(jwksFetchTimeout: "00:00:15");
        await Keys.ForceRefreshAsync();

        _issuer.Mode = JwksMode.StalledBody;
        var refreshing = Keys.ForceRefreshAsync();
        await Poll.UntilAsync(() => Task.FromResult(_issuer.StalledJwksResponses == 1), Bound, "the issuer stalls a key fetch");

        await _cluster!.StopSiloAsync(_cluster.Silos[0]).WaitAsync(Bound);

        Assert.Same(refreshing, await Task.WhenAny(refreshing, Task.Delay(Bound)));
        await Poll.UntilAsync(() => Task.FromResult(_issuer.AbandonedJwksResponses == 1), Bound, "the stalled exchange is closed by the client");
    }

    [Fact]
    public async Task A_grain_deactivating_cancels_its_stalled_background_fetch()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await DeployAsync(jwksFetchTimeout: "00:00:15", time: time);
        await Keys.ForceRefreshAsync();

        _issuer.Mode = JwksMode.StalledBody;
        time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        var stale = await Keys.GetKeysAsync().WaitAsync(Bound);
        await Poll.UntilAsync(() => Task.FromResult(_issuer.StalledJwksResponses == 1), Bound, "the issuer stalls the background fetch");
        await _cluster!.DeactivateAsync(Keys).WaitAsync(Bound);

        Assert.True(stale.IsStale);
        await Poll.UntilAsync(() => Task.FromResult(_issuer.AbandonedJwksResponses == 1), Bound, "the stalled exchange is closed by the client");
    }

    [Fact]
    public async Task An_endless_profile_body_without_content_length_is_refused_and_nothing_is_cached()
    {
        await DeployAsync(jwksFetchTimeout: "00:00:10", profileFetchTimeout: "00:00:30");
        _issuer.UsersEndless = true;
        var subject = "user_" + Guid.NewGuid().ToString("N");

        var profile = await Profile(subject).GetProfileAsync().WaitAsync(Bound);

        Assert.Null(profile);
        Assert.Contains(_logs.Lines, l => l.Contains("[1301]") && l.Contains("response too large"));
        Assert.Equal(0, _cluster!.Silos.Sum(s => s.ServiceProvider.GetRequiredService<SiloCacheRegistry>().Profiles.Count));
    }

    [Fact]
    public async Task A_profile_body_that_stalls_fails_at_the_deadline_and_nothing_is_cached()
    {
        await DeployAsync(jwksFetchTimeout: "00:00:10", profileFetchTimeout: "00:00:02");
        _issuer.UsersStalled = true;
        var subject = "user_" + Guid.NewGuid().ToString("N");

        var profile = await Profile(subject).GetProfileAsync().WaitAsync(Bound);

        Assert.Null(profile);
        Assert.Contains(_logs.Lines, l => l.Contains("[1301]") && l.Contains("timed out"));
        Assert.Equal(0, _cluster!.Silos.Sum(s => s.ServiceProvider.GetRequiredService<SiloCacheRegistry>().Profiles.Count));
        await Poll.UntilAsync(() => Task.FromResult(_issuer.AbandonedUserResponses == 1), Bound, "the stalled exchange is closed by the client");
    }

    private IUserProfileGrain Profile(string subject) =>
        _cluster!.Client.GetGrain<IUserProfileGrain>(UserProfileKey.Create(_issuer.Issuer, subject));

    private async Task DeployAsync(string jwksFetchTimeout, string profileFetchTimeout = "00:00:10", FakeTimeProvider? time = null)
    {
        var settings = _issuer.Settings();
        settings["AuthCache:JwksFetchTimeout"] = jwksFetchTimeout;
        settings["AuthCache:UserProfiles:FetchTimeout"] = profileFetchTimeout;

        // The maintenance pass runs on the same clock: a test that moves it hours ahead must not wake it, or its call
        // would wait in the grain for the very fetch the test stalls.
        settings["AuthCache:MaintenanceInterval"] = "1.00:00:00";
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureHost(host =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Logging.AddProvider(_logs);
            if (time is not null)
            {
                host.Services.AddSingleton(new AuthCacheClock(time));
            }
        });
        builder.ConfigureSilo((_, silo) => silo.AddAuthCacheLocalPersistence().AddAuthCacheGrains());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }
}
