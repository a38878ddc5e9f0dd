using AuthCache.AspNetCore.Caching;
using AuthCache.AspNetCore.Caching.Internals;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace AuthCache.Tests.AspNetCore.Caching;

/// <summary>
/// The hedged grain call on its own, in an API host in front of a real one-silo cluster, timed with a fake clock: the
/// host's time (the hedge delay, the grain call timeout) is a <see cref="FakeTimeProvider"/> the test advances, the
/// silo runs on real time. A slow grain waits on the issuer's user API, held back by the test over real HTTP; a lost
/// silo is the host's grain factory giving its token grains no answer (<see cref="ObservedTokenGrains"/>).
/// </summary>
public sealed class HedgedGrainCallTests : IAsyncLifetime
{
    private static readonly TimeSpan FallbackAfter = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan GrainCallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _hostTime = new(DateTimeOffset.UtcNow);
    private readonly TaskCompletionSource _usersReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestIssuer _issuer = null!;
    private InProcessTestCluster _cluster = null!;
    private ApiHostInstance _host = null!;
    private ObservedTokenGrains _grains = null!;
    private HedgedGrainCall _call = null!;

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
                ["AuthCache:GrainCallTimeout"] = GrainCallTimeout.ToString("c"),
            },
            services => services.AddSingleton<TimeProvider>(_hostTime));

        var keys = _host.App.Services.GetRequiredService<LocalJwksKeySource>();
        await Poll.UntilAsync(
            () => Task.FromResult(keys.HeldKeyIds(_issuer.Issuer).Count > 0), Patience, "the host holding the keys");

        var services = _host.App.Services;
        _grains = new ObservedTokenGrains(_cluster.Client);
        var answers = ActivatorUtilities.CreateInstance<GrainAnswers>(services, (IGrainFactory)_grains);
        _call = ActivatorUtilities.CreateInstance<HedgedGrainCall>(services, answers);
    }

    public async Task DisposeAsync()
    {
        _usersReleased.TrySetResult();
        _grains.Revive();
        await _host.DisposeAsync();
        await _cluster.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_grain_whose_silo_is_lost_is_hedged_when_the_delay_passes_and_its_late_answer_is_copied()
    {
        var token = _issuer.CreateToken("user_lost_" + Guid.NewGuid().ToString("N"));
        var hash = TokenHash.Compute(token);
        _grains.Lost = true;
        var resolution = _call.ResolveAsync(token, hash, useNearCache: true);

        await AdvanceToProbeAsync();
        _hostTime.Advance(FallbackAfter / 2 - TimeSpan.FromMilliseconds(1));
        Assert.False(await CompletesWithinAsync(resolution), "answered before the delay");
        _hostTime.Advance(TimeSpan.FromMilliseconds(1));
        var hedged = await resolution.WaitAsync(Patience);

        Assert.Equal(TokenResolutionSource.Hedged, hedged.Source);
        Assert.True(hedged.Outcome.IsValid);
        Assert.Null(hedged.Outcome.Profile);
        Assert.Equal(0, _grains.ProbeAnswers);

        // The silo comes back within the grain call timeout: its answer, profile and all, fills the near cache.
        _grains.Revive();
        var nearCache = _host.App.Services.GetRequiredService<TokenNearCache>();
        TokenValidationOutcome copy = null!;
        await Poll.UntilAsync(
            () => Task.FromResult(nearCache.TryGet(hash, out copy, out _)), Patience, "the late copy");
        Assert.NotNull(copy.Profile);
    }

    [Fact]
    public async Task Held_keys_that_cannot_decide_fall_back_to_a_full_validation_when_the_lost_grain_times_out()
    {
        var rotated = TestIssuer.CreateRsaKey("rsa-rotated-" + Guid.NewGuid().ToString("N")[..8]);
        _issuer.Publish(rotated);
        var token = _issuer.CreateToken("user_fallback_" + Guid.NewGuid().ToString("N"), key: rotated);
        _grains.Lost = true;
        var fallbacksBefore = Metrics().Fallbacks;
        var resolution = _call.ResolveAsync(token, TokenHash.Compute(token), useNearCache: true);

        await AdvanceToProbeAsync();
        _hostTime.Advance(FallbackAfter);
        Assert.False(await CompletesWithinAsync(resolution), "answered before the timeout");
        _hostTime.Advance(GrainCallTimeout);
        var fallback = await resolution.WaitAsync(Patience);

        Assert.Equal(TokenResolutionSource.Fallback, fallback.Source);
        Assert.True(fallback.Outcome.IsValid);
        Assert.Equal(fallbacksBefore + 1, Metrics().Fallbacks);
    }

    [Fact]
    public async Task A_grain_slow_on_a_live_silo_is_waited_for_past_the_hedge_delay_and_answers_with_the_profile()
    {
        var user = "user_slow_" + Guid.NewGuid().ToString("N");
        var token = _issuer.CreateToken(user);
        var hedgedBefore = Metrics().HedgedValidations;
        _issuer.UsersHeldUntil = _usersReleased.Task;
        var resolution = _call.ResolveAsync(token, TokenHash.Compute(token), useNearCache: true);
        await Poll.UntilAsync(
            () => Task.FromResult(_issuer.UserFetchesOf(user) > 0), Patience, "the grain waiting on the user API");

        await AdvanceToProbeAsync();
        await Poll.UntilAsync(
            () => Task.FromResult(_grains.ProbeAnswers > 0), Patience, "the grain saying it is at work");
        _hostTime.Advance(FallbackAfter);
        Assert.False(await CompletesWithinAsync(resolution), "answered without its grain");
        _usersReleased.SetResult();
        var answer = await resolution.WaitAsync(Patience);

        Assert.Equal(TokenResolutionSource.Cluster, answer.Source);
        Assert.NotNull(answer.Outcome.Profile);
        Assert.Equal(hedgedBefore, Metrics().HedgedValidations);
    }

    [Fact]
    public async Task A_fast_grain_is_answered_without_a_question_or_a_hedge()
    {
        var token = _issuer.CreateToken("user_fast_" + Guid.NewGuid().ToString("N"));

        var answer = await _call.ResolveAsync(token, TokenHash.Compute(token), useNearCache: false).WaitAsync(Patience);

        Assert.Equal(TokenResolutionSource.Cluster, answer.Source);
        Assert.NotNull(answer.Outcome.Profile);
        Assert.Equal(0, _grains.Probes);

        // Its work done, the grain says it is idle.
        var grain = _cluster.Client.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token));
        Assert.False(await grain.IsValidatingAsync());
    }

    /// <summary>Halfway to the hedge the host asks the grain whether it is at work.</summary>
    private async Task AdvanceToProbeAsync()
    {
        var probes = _grains.Probes;
        _hostTime.Advance(FallbackAfter / 2);
        await Poll.UntilAsync(
            () => Task.FromResult(_grains.Probes > probes), Patience, "the grain asked whether at work");
    }

    private AuthCacheCounters Metrics() => _host.App.Services.GetRequiredService<AuthCacheMetrics>().Snapshot();

    /// <summary>Whether the task completes within a moment of real time (false proves nothing answered yet).</summary>
    private static async Task<bool> CompletesWithinAsync(Task task) =>
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(200))) == task;
}
