using AuthCache.Core.Validation;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Revocation;
using AuthCache.Tests.Infrastructure;
using Orleans.Runtime;

namespace AuthCache.Tests.Grains.Revocation;

/// <summary>Revocations on a real 2-silo cluster: what they drop, what they reject, and on which silo.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RevocationClusterTests(ClusterFixture fixture)
{
    private IRevocationListGrain List => fixture.Grains.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);

    private ITokenValidationGrain GrainFor(string token) =>
        fixture.Grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token));

    private Task<TokenValidationOutcome> ValidateAsync(string token) => GrainFor(token).ValidateAsync(token);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private string Token(string subject, string sid) =>
        fixture.Issuer.CreateToken(subject, sid: sid, now: fixture.Time.GetUtcNow().UtcDateTime);

    private SiloAddress? SiloOf(IAddressable grain) =>
        fixture.Cluster.TryGetGrainContext(grain.GetGrainId(), out var context) ? context.Address.SiloAddress : null;

    [Fact]
    public async Task Revoking_a_session_drops_its_cached_validations_on_every_silo_and_rejects_its_tokens()
    {
        var sid = NewId("sess_");
        var tokens = new List<string>();
        var silos = new HashSet<SiloAddress>();

        // Cache tokens of the session until both silos hold at least one.
        while (silos.Count < 2)
        {
            Assert.True(tokens.Count < 64, "Every token of the session landed on the same silo.");
            var token = Token(NewId("user_"), sid);
            Assert.True((await ValidateAsync(token)).IsValid);
            tokens.Add(token);
            silos.Add(SiloOf(GrainFor(token))!);
        }

        var entriesBefore = fixture.ActiveEntries();
        var outcome = await List.RevokeAsync(RevocationKind.Session, fixture.Issuer.Issuer, sid);

        Assert.Equal(tokens.Count, outcome.DroppedValidations);
        Assert.Equal(2, outcome.ConfirmedSilos);
        Assert.Empty(outcome.UnconfirmedSilos);
        Assert.True(outcome.Persisted);
        Assert.All(tokens, token => Assert.False(fixture.IsActive(GrainFor(token))));
        Assert.Equal(entriesBefore - tokens.Count, fixture.ActiveEntries());
        foreach (var token in tokens)
        {
            var result = await ValidateAsync(token);
            Assert.False(result.IsValid);
            Assert.Equal(AuthFailureReason.Revoked, result.FailureReason);
            await fixture.WaitUntilInactiveAsync(GrainFor(token), TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task A_revoked_session_stays_revoked_for_tokens_issued_later_while_other_sessions_of_the_user_work()
    {
        var subject = NewId("user_");
        var sid = NewId("sess_");
        await List.RevokeAsync(RevocationKind.Session, fixture.Issuer.Issuer, sid);

        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var later = await ValidateAsync(Token(subject, sid));
        var otherSession = await ValidateAsync(Token(subject, NewId("sess_")));

        Assert.Equal(AuthFailureReason.Revoked, later.FailureReason);
        Assert.True(otherSession.IsValid, otherSession.FailureReason);
    }

    [Fact]
    public async Task Revoking_a_subject_rejects_its_tokens_issued_until_then_and_accepts_a_later_sign_in()
    {
        var subject = NewId("user_");
        var before = Token(subject, NewId("sess_"));
        var cached = Token(subject, NewId("sess_"));
        Assert.True((await ValidateAsync(cached)).IsValid);

        var outcome = await List.RevokeAsync(RevocationKind.Subject, fixture.Issuer.Issuer, subject);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var signedInAgain = Token(subject, NewId("sess_"));

        Assert.Equal(1, outcome.DroppedValidations);
        Assert.Equal(AuthFailureReason.Revoked, (await ValidateAsync(cached)).FailureReason);
        Assert.Equal(AuthFailureReason.Revoked, (await ValidateAsync(before)).FailureReason);
        var after = await ValidateAsync(signedInAgain);
        Assert.True(after.IsValid, after.FailureReason);
        Assert.True((await ValidateAsync(signedInAgain)).FromCache);
    }

    [Fact]
    public async Task Revoking_a_token_hash_rejects_that_token_and_no_other_of_its_session()
    {
        var subject = NewId("user_");
        var sid = NewId("sess_");
        var revoked = Token(subject, sid);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var sibling = Token(subject, sid);
        Assert.True((await ValidateAsync(revoked)).IsValid);
        Assert.True((await ValidateAsync(sibling)).IsValid);

        var outcome = await List.RevokeAsync(RevocationKind.TokenHash, null, TokenHash.Compute(revoked));

        Assert.Equal(1, outcome.DroppedValidations);
        Assert.Equal(AuthFailureReason.Revoked, (await ValidateAsync(revoked)).FailureReason);
        Assert.True((await ValidateAsync(sibling)).FromCache);
    }

    [Fact]
    public async Task Every_silo_holds_the_revocation_as_soon_as_the_call_returns()
    {
        var subject = NewId("user_");

        var outcome = await List.RevokeAsync(RevocationKind.Subject, fixture.Issuer.Issuer, subject);

        Assert.All(fixture.Cluster.Silos, silo =>
        {
            var cache = silo.ServiceProvider.GetRequiredService<RevocationReplica>();
            var candidate = new AuthCache.Core.Revocation.RevocationCandidate("unrelated-hash", [], subject, outcome.Record.RevokedAt, fixture.Issuer.Issuer);
            Assert.True(cache.IsRevoked(candidate));
        });
    }

    [Fact]
    public async Task A_silo_missing_from_the_subscriptions_catches_up_before_the_revocation_returns()
    {
        var silo = fixture.Cluster.Silos[1];
        var cache = silo.ServiceProvider.GetRequiredService<RevocationReplica>();
        var subject = NewId("user_");

        // As after a reactivation of the list: it no longer knows this silo, so the silo misses the notification.
        await List.UnsubscribeAsync(RevocationSubscriber.ForSilo(silo.SiloAddress).Name);
        var outcome = await List.RevokeAsync(RevocationKind.Subject, fixture.Issuer.Issuer, subject);

        Assert.Equal(2, outcome.ConfirmedSilos);
        Assert.Empty(outcome.UnconfirmedSilos);
        Assert.True(cache.IsRevoked(new AuthCache.Core.Revocation.RevocationCandidate("unrelated-hash", [], subject, null, fixture.Issuer.Issuer)));
    }
}
