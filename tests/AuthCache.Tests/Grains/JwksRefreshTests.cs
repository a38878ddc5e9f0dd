using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Tests.Infrastructure;
using RsaSecurityKey = Microsoft.IdentityModel.Tokens.RsaSecurityKey;
using Orleans.Runtime;

namespace AuthCache.Tests.Grains;

/// <summary>The JWKS phase: background refresh, last-known-good keys, rotation and its rate limit.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JwksRefreshTests(ClusterFixture fixture)
{
    private IJwksGrain Grain => fixture.Grains.GetGrain<IJwksGrain>(fixture.Issuer.Issuer);

    private Task<TokenValidationOutcome> ValidateAsync(string token) =>
        fixture.Grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token);

    private static string NewSubject() => "user_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Keys_are_refreshed_in_the_background_at_80_percent_of_their_lifetime()
    {
        await Grain.ForceRefreshAsync();
        await fixture.SettleAsync();
        var before = fixture.Issuer.JwksFetches;

        fixture.Time.Advance(TimeSpan.FromMinutes(95));
        var early = await Grain.EnsureRefreshScheduledAsync();
        Assert.Equal(0, fixture.Issuer.JwksFetches - before);

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Grain.EnsureRefreshScheduledAsync();
        var repeatedTick = await Grain.EnsureRefreshScheduledAsync();

        Assert.Equal(1, fixture.Issuer.JwksFetches - before);
        Assert.Equal(fixture.Time.GetUtcNow(), repeatedTick.LastRefresh);
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(96), repeatedTick.NextRefresh);
        Assert.False(early.IsStale);
    }

    [Fact]
    public async Task A_shorter_cache_control_max_age_from_the_issuer_is_honoured_within_bounds()
    {
        try
        {
            fixture.Issuer.MaxAge = TimeSpan.FromMinutes(10);
            var keys = (await Grain.ForceRefreshAsync()).Keys;
            Assert.Equal(keys.FetchedAt + TimeSpan.FromMinutes(10), keys.ExpiresAt);
            Assert.Equal(keys.FetchedAt + TimeSpan.FromMinutes(8), (await Grain.GetStatusAsync()).NextRefresh);

            fixture.Issuer.MaxAge = TimeSpan.FromSeconds(5);
            keys = (await Grain.ForceRefreshAsync()).Keys;
            Assert.Equal(keys.FetchedAt + TimeSpan.FromMinutes(1), keys.ExpiresAt);
        }
        finally
        {
            fixture.Issuer.MaxAge = null;
            await Grain.ForceRefreshAsync();
        }
    }

    [Fact]
    public async Task Every_configured_issuer_keeps_a_refresh_reminder()
    {
        var reminders = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();

        foreach (var issuer in new[] { fixture.Issuer.Issuer, fixture.AudienceIssuer, fixture.ColdIssuer.Issuer })
        {
            var grainId = fixture.Grains.GetGrain<IJwksGrain>(issuer).GetGrainId();
            var entry = await reminders.ReadRow(grainId, JwksGrain.ReminderName);
            Assert.NotNull(entry);
            Assert.Equal(TimeSpan.FromMinutes(15), entry.Period);
        }
    }

    [Fact]
    public async Task An_outage_longer_than_the_key_lifetime_keeps_valid_tokens_accepted_with_bounded_fetches()
    {
        await Grain.ForceRefreshAsync();
        var failuresBefore = (await Grain.GetStatusAsync()).FetchFailures;
        fixture.Issuer.Mode = JwksMode.ServerError;
        try
        {
            fixture.Time.Advance(TimeSpan.FromHours(2));
            var results = new List<TokenValidationOutcome>();
            for (var minute = 0; minute < 120; minute++)
            {
                fixture.Time.Advance(TimeSpan.FromMinutes(1));
                for (var i = 0; i < 5; i++)
                {
                    var token = fixture.Token(NewSubject());
                    results.Add(await ValidateAsync(token));
                }
            }

            var status = await Grain.GetStatusAsync();
            Assert.All(results, r => Assert.True(r.IsValid, r.FailureReason));
            Assert.True(status.IsStale);
            Assert.Equal("HTTP 503", status.LastError);

            // 600 validations over two hours of outage; the backoff (5 s doubling to 5 min) allows about 30 attempts.
            var attempts = status.FetchFailures - failuresBefore;
            Assert.InRange(attempts, 1, 30);
        }
        finally
        {
            fixture.Issuer.Mode = JwksMode.Normal;
        }

        await WaitUntilFreshAsync();
    }

    [Fact]
    public async Task Cold_start_with_the_issuer_down_answers_keys_unavailable_then_recovers_by_itself()
    {
        var cold = fixture.ColdIssuer;
        var token = cold.CreateToken(NewSubject(), now: fixture.Time.GetUtcNow().UtcDateTime);

        var whileDown = await ValidateAsync(token);
        Assert.Equal(AuthFailureReason.KeysUnavailable, whileDown.FailureReason);

        cold.Mode = JwksMode.Normal;
        // What the reminder (or the maintenance pass) does on its ticks, with no request involved. An attempt
        // already in flight when the issuer came back may still fail; the next one after the backoff succeeds.
        var grain = fixture.Grains.GetGrain<IJwksGrain>(cold.Issuer);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await grain.EnsureRefreshScheduledAsync()).KeyIds.Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The cold issuer's keys were never loaded.");
            fixture.Time.Advance(TimeSpan.FromMinutes(6));
            await Task.Delay(100);
        }

        var recovered = cold.CreateToken(NewSubject(), now: fixture.Time.GetUtcNow().UtcDateTime);
        Assert.True((await ValidateAsync(recovered)).IsValid);
    }

    [Fact]
    public async Task A_storm_of_unknown_key_ids_costs_at_most_one_fetch_per_cooldown()
    {
        await fixture.SettleAsync();
        fixture.Time.Advance(TimeSpan.FromSeconds(31));
        await fixture.SettleAsync();
        var before = fixture.Issuer.JwksFetches;

        // One RSA key under 1,000 random key ids: key generation is not what is being tested.
        var signer = TestIssuer.CreateRsaKey("signer");
        var storm = Enumerable.Range(0, 1000)
            .Select(_ => fixture.Token(NewSubject(), key: new RsaSecurityKey(signer.Rsa) { KeyId = "random-" + Guid.NewGuid().ToString("N") }))
            .ToArray();
        var results = await Task.WhenAll(storm.Select(t => Task.Run(() => ValidateAsync(t))));

        Assert.All(results, r => Assert.Equal(AuthFailureReason.UnknownKey, r.FailureReason));
        Assert.InRange(fixture.Issuer.JwksFetches - before, 0, 1);

        fixture.Time.Advance(TimeSpan.FromSeconds(31));
        var next = fixture.Token(NewSubject(), key: new RsaSecurityKey(signer.Rsa) { KeyId = "random-" + Guid.NewGuid().ToString("N") });
        Assert.Equal(AuthFailureReason.UnknownKey, (await ValidateAsync(next)).FailureReason);
        Assert.InRange(fixture.Issuer.JwksFetches - before, 1, 2);
    }

    [Fact]
    public async Task A_forced_refresh_does_not_use_up_the_unknown_key_allowance()
    {
        fixture.Time.Advance(TimeSpan.FromSeconds(31));
        await fixture.SettleAsync();
        var before = fixture.Issuer.JwksFetches;

        await Grain.ForceRefreshAsync();
        var rotated = TestIssuer.CreateRsaKey("rotated-after-force-" + Guid.NewGuid().ToString("N")[..8]);
        fixture.Issuer.Publish(rotated);
        var result = await ValidateAsync(fixture.Token(NewSubject(), key: rotated));

        Assert.True(result.IsValid, result.FailureReason);
        Assert.Equal(2, fixture.Issuer.JwksFetches - before);
    }

    [Fact]
    public async Task A_forced_refresh_during_a_fetch_that_read_the_old_keys_replaces_it_and_retires_a_key_removed_before_it()
    {
        var compromised = TestIssuer.CreateRsaKey("compromised-" + Guid.NewGuid().ToString("N")[..8]);
        fixture.Issuer.Publish(compromised);
        Assert.True((await Grain.ForceRefreshAsync()).Keys.ContainsKey(compromised.KeyId));
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heldBefore = fixture.Issuer.HeldJwksRequests;
        fixture.Issuer.JwksHold = hold;
        try
        {
            var earlier = Grain.ForceRefreshAsync();
            await Poll.UntilAsync(() => Task.FromResult(fixture.Issuer.HeldJwksRequests > heldBefore), TimeSpan.FromSeconds(10), "the first fetch reading the keys");
            fixture.Issuer.Unpublish(compromised.KeyId);
            var forced = Grain.ForceRefreshAsync();
            // The second call reaches the grain while the first fetch is still held: neither can answer yet.
            await Task.WhenAny(earlier, forced, Task.Delay(TimeSpan.FromMilliseconds(200)));
            Assert.False(earlier.IsCompleted || forced.IsCompleted);
            fixture.Issuer.JwksHold = null;
            hold.SetResult();

            var refresh = await forced;
            Assert.Equal([compromised.KeyId], refresh.RetiredKeyIds);
            Assert.False(refresh.Keys.ContainsKey(compromised.KeyId));

            // The earlier fetch was cancelled and never applied: its caller gets the answer of the one that replaced it.
            var replaced = await earlier;
            Assert.Equal([compromised.KeyId], replaced.RetiredKeyIds);
            Assert.False(replaced.Keys.ContainsKey(compromised.KeyId));
        }
        finally
        {
            fixture.Issuer.JwksHold = null;
            hold.TrySetResult();
        }
    }

    [Fact]
    public async Task Keys_removed_by_the_issuer_are_dropped_at_the_next_successful_refresh()
    {
        var temporary = TestIssuer.CreateEcKey("temporary-" + Guid.NewGuid().ToString("N")[..8]);
        fixture.Issuer.Publish(temporary);
        Assert.True((await Grain.ForceRefreshAsync()).Keys.ContainsKey(temporary.KeyId));

        fixture.Issuer.Unpublish(temporary.KeyId);
        var after = (await Grain.ForceRefreshAsync()).Keys;

        Assert.False(after.ContainsKey(temporary.KeyId));
        Assert.True(after.ContainsKey("rsa-1"));
        fixture.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(AuthFailureReason.UnknownKey, (await ValidateAsync(fixture.Token(NewSubject(), key: temporary))).FailureReason);
    }

    [Fact]
    public async Task A_grain_reactivated_during_an_outage_restores_its_keys_from_storage()
    {
        var good = (await Grain.ForceRefreshAsync()).Keys;
        fixture.Issuer.Mode = JwksMode.ServerError;
        try
        {
            await fixture.Cluster.DeactivateAsync(Grain);
            await fixture.WaitUntilInactiveAsync(Grain, TimeSpan.FromSeconds(10));
            fixture.Time.Advance(TimeSpan.FromHours(3));

            var restored = await Grain.GetKeysAsync();
            var result = await ValidateAsync(fixture.Token(NewSubject()));

            Assert.Equal(good.Keys.Select(k => k.Kid).Order(), restored.Keys.Select(k => k.Kid).Order());
            Assert.True(restored.IsStale);
            Assert.True(result.IsValid, result.FailureReason);
        }
        finally
        {
            fixture.Issuer.Mode = JwksMode.Normal;
        }

        await WaitUntilFreshAsync();
    }

    [Fact]
    public async Task Keys_older_than_the_maximum_staleness_are_withheld()
    {
        await Grain.ForceRefreshAsync();
        fixture.Issuer.Mode = JwksMode.ServerError;
        try
        {
            fixture.Time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromHours(24));

            var keys = await Grain.GetKeysAsync();
            var result = await ValidateAsync(fixture.Token(NewSubject()));

            Assert.False(keys.HasKeys);
            Assert.Contains("maximum staleness", keys.LastError);
            Assert.Equal(AuthFailureReason.KeysUnavailable, result.FailureReason);
        }
        finally
        {
            fixture.Issuer.Mode = JwksMode.Normal;
        }

        await WaitUntilFreshAsync();
    }

    /// <summary>After an outage the next due attempt succeeds; a fetch already in flight may still fail first.</summary>
    private async Task WaitUntilFreshAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            fixture.Time.Advance(TimeSpan.FromMinutes(6));
            var keys = (await Grain.ForceRefreshAsync()).Keys;
            if (keys is { HasKeys: true, IsStale: false } && keys.LastError is null)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The keys did not recover: " + keys.LastError);
            await Task.Delay(100);
        }
    }
}
