using System.Net;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.Core.Profiles;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace AuthCache.Tests.AspNetCore.Caching;

/// <summary>
/// A slow grain and the hedge, timed with a fake clock: an API host in front of a real one-silo cluster whose token
/// grains wait on a user API the test holds back. The host's own time (the hedge delay, the grain call timeout) is
/// a <see cref="FakeTimeProvider"/> the test advances; the silo runs on real time.
/// </summary>
public sealed class HedgedValidationTests : IAsyncLifetime
{
    private static readonly TimeSpan FallbackAfter = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _hostTime = new(DateTimeOffset.UtcNow);
    private readonly TaskCompletionSource _usersReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestIssuer _issuer = null!;
    private InProcessTestCluster _cluster = null!;
    private ApiHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        var settings = _issuer.Settings();
        _cluster = await OneSiloCluster.DeployAsync(settings);

        _host = await ApiHostInstance.StartClientOfAsync(
            _cluster,
            new Dictionary<string, string?>(settings)
            {
                ["AuthCache:FallbackAfter"] = FallbackAfter.ToString("c"),
                ["AuthCache:GrainCallTimeout"] = "00:00:10",
            },
            services => services.AddSingleton<TimeProvider>(_hostTime));

        // The host holds the issuer's keys once it has mirrored them from the cluster.
        var keys = _host.App.Services.GetRequiredService<LocalJwksKeySource>();
        await Poll.UntilAsync(
            () => Task.FromResult(keys.HeldKeyIds(_issuer.Issuer).Count > 0), Patience, "the host holding the keys");
        _issuer.UsersHeldUntil = _usersReleased.Task;
    }

    public async Task DisposeAsync()
    {
        _usersReleased.TrySetResult();
        await _host.DisposeAsync();
        await _cluster.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_grain_slower_than_the_hedge_delay_on_a_live_silo_is_waited_for_and_answers_with_the_profile()
    {
        var token = _issuer.CreateToken("user_slow_" + Guid.NewGuid().ToString("N"));
        var hedgedBefore = Hedged();
        using var probes = new ProbeAnswers();
        var request = _host.Http.GetAsync("/api/v1/me", token);
        await Poll.UntilAsync(
            () => Task.FromResult(_issuer.UserFetches > 0), Patience, "the token's grain waiting on the user API");

        // Halfway to the hedge the host asks the grain whether it is at work; its live silo says it is.
        _hostTime.Advance(FallbackAfter / 2);
        await Poll.UntilAsync(() => Task.FromResult(probes.Validating > 0), Patience, "the grain saying it is at work");
        _hostTime.Advance(FallbackAfter);
        Assert.False(await CompletesWithinAsync(request, TimeSpan.FromMilliseconds(200)), "answered without its grain");
        _usersReleased.SetResult();
        var answer = await (await request.WaitAsync(Patience)).JsonAsync();

        Assert.Equal("Cluster", answer.GetProperty("source").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, answer.GetProperty("profile").ValueKind);
        Assert.Equal(hedgedBefore, Hedged());
    }

    [Fact]
    public async Task A_token_the_hosts_keys_cannot_decide_waits_for_its_grain_instead_of_fetching_keys_itself()
    {
        var rotated = TestIssuer.CreateRsaKey("rsa-rotated-" + Guid.NewGuid().ToString("N")[..8]);
        _issuer.Publish(rotated);
        var token = _issuer.CreateToken("user_new_key_" + Guid.NewGuid().ToString("N"), key: rotated);
        var fetchesBefore = _issuer.JwksFetches;
        var request = _host.Http.GetAsync("/api/v1/me", token);
        await Poll.UntilAsync(
            () => Task.FromResult(_issuer.UserFetches > 0), Patience, "the token's grain waiting on the user API");

        _hostTime.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await CompletesWithinAsync(request, TimeSpan.FromMilliseconds(200)), "answered without its grain");
        _usersReleased.SetResult();
        var answer = await request.WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Cluster", (await answer.JsonAsync()).GetProperty("source").GetString());

        // One fetch, by the issuer's JwksGrain for the unknown key: the host fetched nothing itself.
        Assert.Equal(fetchesBefore + 1, _issuer.JwksFetches);
    }

    [Fact]
    public async Task A_hedged_answer_for_a_renewed_token_carries_the_profile_its_users_earlier_token_had()
    {
        var user = "user_renewed_" + Guid.NewGuid().ToString("N");
        _issuer.UsersHeldUntil = null;
        var first = await (await _host.Http.GetAsync("/api/v1/me", _issuer.CreateToken(user))).JsonAsync();
        Assert.Equal("Cluster", first.GetProperty("source").GetString());
        var profile = first.GetProperty("profile").GetRawText();
        Assert.NotEqual("null", profile);

        // The profile's time in the silo ends, which the hosts do not hear of: the renewed token's grain fetches it
        // again.
        var profileGrain = _cluster.Client.GetGrain<IUserProfileGrain>(UserProfileKey.Create(_issuer.Issuer, user));
        Assert.True(await profileGrain.EvictAsync(CacheEvictionScope.All));
        _issuer.UsersHeldUntil = _usersReleased.Task;
        var fetchesBefore = _issuer.UserFetchesOf(user);
        var request = _host.Http.GetAsync("/api/v1/me", _issuer.CreateToken(user, lifetime: TimeSpan.FromMinutes(20)));
        await Poll.UntilAsync(
            () => Task.FromResult(_issuer.UserFetchesOf(user) > fetchesBefore),
            Patience,
            "the renewed token's grain waiting on the user API");

        _hostTime.Advance(FallbackAfter);
        var hedged = await (await request.WaitAsync(Patience)).JsonAsync();

        Assert.Equal("Hedged", hedged.GetProperty("source").GetString());
        Assert.Equal(profile, hedged.GetProperty("profile").GetRawText());
    }

    private long Hedged() => _host.App.Services.GetRequiredService<AuthCacheMetrics>().Snapshot().HedgedValidations;

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan wait) =>
        await Task.WhenAny(task, Task.Delay(wait)) == task;

    /// <summary>The host's questions to slow grains that were answered "at work".</summary>
    private sealed class ProbeAnswers : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private int _validating;

        public ProbeAnswers()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "authcache.grain_probes")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "validating", Value: true })
                    {
                        Interlocked.Increment(ref _validating);
                    }
                }
            });
            _listener.Start();
        }

        public int Validating => Volatile.Read(ref _validating);

        public void Dispose() => _listener.Dispose();
    }
}
