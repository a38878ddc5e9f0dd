using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class TokenValidationGrainTests(ClusterFixture fixture)
{
    private ITokenValidationGrain GrainFor(string token) =>
        fixture.Grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token));

    private static string NewSubject() => "user_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Valid_token_is_validated_once_and_then_served_from_cache()
    {
        var subject = NewSubject();
        var token = fixture.Token(subject);
        var before = fixture.Validations();

        var first = await GrainFor(token).ValidateAsync(token);
        var second = await GrainFor(token).ValidateAsync(token);

        Assert.True(first.IsValid);
        Assert.False(first.FromCache);
        Assert.True(second.IsValid);
        Assert.True(second.FromCache);
        Assert.Equal(subject, second.Subject);
        Assert.Contains(second.Claims, c => c.Type == "sub" && c.Value == subject);
        Assert.Equal(1, fixture.Validations() - before);
    }

    [Fact]
    public async Task Concurrent_first_requests_for_one_token_cost_one_validation()
    {
        var token = fixture.Token(NewSubject());
        var before = fixture.Validations();

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => GrainFor(token).ValidateAsync(token))));

        Assert.All(results, r => Assert.True(r.IsValid));
        Assert.Single(results, r => !r.FromCache);
        Assert.Equal(1, fixture.Validations() - before);
    }

    [Fact]
    public async Task Cached_validation_expires_after_the_token_cache_ttl()
    {
        var token = fixture.Token(NewSubject(), lifetime: TimeSpan.FromHours(1));
        var first = await GrainFor(token).ValidateAsync(token);
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(5), first.CachedUntil);

        fixture.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.True((await GrainFor(token).ValidateAsync(token)).FromCache);

        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var before = fixture.Validations();
        var afterTtl = await GrainFor(token).ValidateAsync(token);

        Assert.True(afterTtl.IsValid);
        Assert.False(afterTtl.FromCache);
        Assert.Equal(1, fixture.Validations() - before);
    }

    [Fact]
    public async Task Cached_validation_never_outlives_the_token()
    {
        var token = fixture.Token(NewSubject(), lifetime: TimeSpan.FromSeconds(60));
        var first = await GrainFor(token).ValidateAsync(token);
        Assert.True(first.IsValid);
        Assert.Equal(first.ExpiresAt, first.CachedUntil);

        // Past exp and past the 5 s clock skew: the cached entry must not answer any more.
        fixture.Time.Advance(TimeSpan.FromSeconds(66));
        var late = await GrainFor(token).ValidateAsync(token);

        Assert.False(late.IsValid);
        Assert.Equal(AuthFailureReason.Expired, late.FailureReason);
    }

    [Fact]
    public async Task Failed_validation_is_returned_with_its_reason_and_never_cached()
    {
        // Signed by a key the issuer does not publish, under a published kid.
        var forged = fixture.Issuer.CreateToken(NewSubject(), key: TestIssuer.CreateRsaKey("rsa-1"), now: fixture.Time.GetUtcNow().UtcDateTime);
        var grain = GrainFor(forged);
        var before = fixture.Validations();

        var first = await grain.ValidateAsync(forged);
        await fixture.WaitUntilInactiveAsync(grain, TimeSpan.FromSeconds(10));
        var second = await grain.ValidateAsync(forged);

        Assert.Equal(AuthFailureReason.BadSignature, first.FailureReason);
        Assert.Equal(AuthFailureReason.BadSignature, second.FailureReason);
        Assert.False(second.FromCache);
        Assert.Equal(2, fixture.Validations() - before);
        await fixture.WaitUntilInactiveAsync(grain, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Grain_refuses_a_token_that_does_not_hash_to_its_key()
    {
        var victim = fixture.Token(NewSubject());
        var other = fixture.Token(NewSubject());
        var grain = GrainFor(victim);

        var result = await grain.ValidateAsync(other);

        Assert.False(result.IsValid);
        Assert.Equal(AuthFailureReason.Malformed, result.FailureReason);
        await fixture.WaitUntilInactiveAsync(grain, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Grain_deactivates_itself_when_its_entry_expires()
    {
        var token = fixture.Token(NewSubject(), lifetime: TimeSpan.FromSeconds(1));
        var grain = GrainFor(token);
        var entriesBefore = fixture.ActiveEntries();

        var result = await grain.ValidateAsync(token);
        Assert.True(result.IsValid);
        Assert.True(fixture.IsActive(grain));
        Assert.Equal(entriesBefore + 1, fixture.ActiveEntries());

        // The one-shot grain timer is due at the entry's expiry (1 s from now) and removes the activation.
        await fixture.WaitUntilInactiveAsync(grain, TimeSpan.FromSeconds(15));
        Assert.Equal(entriesBefore, fixture.ActiveEntries());
    }

    [Fact]
    public async Task Es256_tokens_are_accepted()
    {
        var token = fixture.Token(NewSubject(), key: fixture.Issuer.Ec);

        var result = await GrainFor(token).ValidateAsync(token);

        Assert.True(result.IsValid, result.FailureReason);
    }

    [Fact]
    public async Task Unknown_key_id_triggers_one_refresh_and_the_rotated_key_is_accepted()
    {
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var warm = fixture.Token(NewSubject());
        Assert.True((await GrainFor(warm).ValidateAsync(warm)).IsValid);
        var rotated = TestIssuer.CreateRsaKey("rsa-rotated-" + Guid.NewGuid().ToString("N")[..8]);
        fixture.Issuer.Publish(rotated);
        var fetchesBefore = fixture.Issuer.JwksFetches;

        var token = fixture.Token(NewSubject(), key: rotated);
        var result = await GrainFor(token).ValidateAsync(token);

        Assert.True(result.IsValid, result.FailureReason);
        Assert.Equal(1, fixture.Issuer.JwksFetches - fetchesBefore);
    }

    [Fact]
    public async Task Token_with_a_key_id_the_issuer_never_published_is_rejected_as_unknown_key()
    {
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var token = fixture.Token(NewSubject(), key: TestIssuer.CreateRsaKey("never-published"));

        var result = await GrainFor(token).ValidateAsync(token);

        Assert.Equal(AuthFailureReason.UnknownKey, result.FailureReason);
    }

    [Fact]
    public async Task Tokens_of_an_unlisted_authorized_party_are_rejected()
    {
        var allowed = fixture.Token(NewSubject(), azp: ClusterFixture.AuthorizedParty);
        var foreign = fixture.Token(NewSubject(), azp: "https://evil.example");

        Assert.True((await GrainFor(allowed).ValidateAsync(allowed)).IsValid);
        Assert.Equal(AuthFailureReason.InvalidAuthorizedParty, (await GrainFor(foreign).ValidateAsync(foreign)).FailureReason);
    }

    [Fact]
    public async Task Audience_is_checked_when_the_issuer_configures_audiences()
    {
        var now = fixture.Time.GetUtcNow().UtcDateTime;
        var right = fixture.Issuer.CreateToken(NewSubject(), issuer: fixture.AudienceIssuer, audience: ClusterFixture.Audience, now: now);
        var wrong = fixture.Issuer.CreateToken(NewSubject(), issuer: fixture.AudienceIssuer, audience: "api://other", now: now);

        Assert.True((await GrainFor(right).ValidateAsync(right)).IsValid);
        Assert.Equal(AuthFailureReason.InvalidAudience, (await GrainFor(wrong).ValidateAsync(wrong)).FailureReason);
    }

    [Fact]
    public async Task Valid_token_is_enriched_with_the_user_profile_and_one_user_costs_one_upstream_call()
    {
        var subject = NewSubject();
        var before = fixture.Issuer.UserFetches;
        var tokens = Enumerable.Range(0, 3).Select(i => fixture.Issuer.CreateToken(subject, sid: "sess_" + i, now: fixture.Time.GetUtcNow().UtcDateTime)).ToArray();

        var results = new List<TokenValidationOutcome>();
        foreach (var token in tokens)
        {
            results.Add(await GrainFor(token).ValidateAsync(token));
        }

        Assert.All(results, r => Assert.Equal(subject + "@example.com", r.Profile?.PrimaryEmail));
        Assert.Equal(1, fixture.Issuer.UserFetches - before);
    }

    [Fact]
    public async Task Profile_failure_does_not_fail_authentication()
    {
        fixture.Issuer.UsersFail = true;
        try
        {
            var token = fixture.Token(NewSubject());

            var result = await GrainFor(token).ValidateAsync(token);

            Assert.True(result.IsValid);
            Assert.Null(result.Profile);
        }
        finally
        {
            fixture.Issuer.UsersFail = false;
        }
    }
}
