using AuthCache.AspNetCore.Caching;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using static AuthCache.Tests.Security.HostRulesSetup;

namespace AuthCache.Tests.Security;

/// <summary>
/// The paths where a client-mode host answers a token itself while the token's grain is slow (its user API is held
/// back), in front of a silo that trusts more than the host: the hedge, the grain's late answer, and the fallback.
/// The host's own time is a <see cref="FakeTimeProvider"/> the test advances; the silo runs on real time.
/// </summary>
public sealed class HedgedHostRulesTests : IAsyncLifetime
{
    private static readonly TimeSpan FallbackAfter = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan GrainCallTimeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _hostTime = new(DateTimeOffset.UtcNow);
    private readonly TaskCompletionSource _usersReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestIssuer _issuer = null!;
    private InProcessTestCluster _cluster = null!;
    private ApiHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _cluster = await OneSiloCluster.DeployAsync(SiloSettings(_issuer));
        _host = await ApiHostInstance.StartClientOfAsync(
            _cluster,
            new Dictionary<string, string?>(HostSettings(_issuer))
            {
                ["AuthCache:FallbackAfter"] = FallbackAfter.ToString("c"),
                ["AuthCache:GrainCallTimeout"] = GrainCallTimeout.ToString("c"),
            },
            services => services.AddSingleton<TimeProvider>(_hostTime));

        var keys = _host.App.Services.GetRequiredService<LocalJwksKeySource>();
        await Poll.UntilAsync(() => Task.FromResult(keys.HeldKeyIds(_issuer.Issuer).Count > 0), Patience, "the host holding the issuer's keys");
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
    public async Task The_hedge_refuses_with_the_hosts_reason_and_the_grains_late_valid_answer_is_refused_too_not_copied()
    {
        var token = ForeignPartyToken(_issuer);
        var metrics = _host.App.Services.GetRequiredService<AuthCacheMetrics>();
        var hedgedBefore = metrics.Snapshot().HedgedValidations;
        var refusedBefore = RefusedByRules(_host);
        var request = _host.Http.GetAsync("/api/v1/me", token);
        await Poll.UntilAsync(() => Task.FromResult(_issuer.UserFetches > 0), Patience, "the token's grain, which found it valid, waiting on the user API");

        _hostTime.Advance(FallbackAfter);
        var hedged = await request.WaitAsync(Patience);

        Assert.Equal(AuthFailureReason.InvalidAuthorizedParty, hedged.ErrorDescription());
        Assert.Equal(hedgedBefore + 1, metrics.Snapshot().HedgedValidations);

        _usersReleased.SetResult();
        await Poll.UntilAsync(() => Task.FromResult(RefusedByRules(_host) == refusedBefore + 1), Patience, "the grain's late valid answer refused by the host");
        Assert.False(_host.App.Services.GetRequiredService<TokenNearCache>().TryGet(TokenHash.Compute(token), out _, out _));
        await AssertRefusedAsDirectlyAsync(_host, token, AuthFailureReason.InvalidAuthorizedParty);
    }

    [Fact]
    public async Task The_fallback_after_the_grain_call_timeout_refuses_with_the_hosts_reason()
    {
        // A key the host does not hold: the hedge cannot decide, the grain keeps its whole time, then the host validates.
        var rotated = TestIssuer.CreateRsaKey("rsa-rules-" + Guid.NewGuid().ToString("N")[..8]);
        _issuer.Publish(rotated);
        var token = _issuer.CreateToken(Subject("fallback"), key: rotated, azp: ForeignParty);
        var metrics = _host.App.Services.GetRequiredService<AuthCacheMetrics>();
        var fallbacksBefore = metrics.Snapshot().Fallbacks;
        var request = _host.Http.GetAsync("/api/v1/me", token);
        await Poll.UntilAsync(() => Task.FromResult(_issuer.UserFetches > 0), Patience, "the token's grain, which found it valid, waiting on the user API");

        // The host's time moves on until it gives up on the grain, whenever its wait for the grain begins.
        await Poll.UntilAsync(
            () =>
            {
                _hostTime.Advance(TimeSpan.FromSeconds(1));
                return Task.FromResult(request.IsCompleted);
            },
            Patience,
            "the host falling back after the grain call timeout");
        var answer = await request;

        Assert.Equal(AuthFailureReason.InvalidAuthorizedParty, answer.ErrorDescription());
        Assert.Equal(fallbacksBefore + 1, metrics.Snapshot().Fallbacks);
    }
}
