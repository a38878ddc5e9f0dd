using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Orleans.Runtime;

namespace AuthCache.Tests.Grains;

/// <summary>The eviction of one user's profile on a real 2-silo cluster: the profile grain and every silo's cached validations.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProfileEvictionTests(ClusterFixture fixture)
{
    private ICacheAdminGrain Admin => fixture.Grains.GetGrain<ICacheAdminGrain>(0);

    private ITokenValidationGrain GrainFor(string token) => fixture.Grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token));

    private Task<TokenValidationOutcome> ValidateAsync(string token) => GrainFor(token).ValidateAsync(token);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private string Token(string subject) =>
        fixture.Issuer.CreateToken(subject, sid: NewId("sess_"), now: fixture.Time.GetUtcNow().UtcDateTime);

    private SiloAddress? SiloOf(IAddressable grain) =>
        fixture.Cluster.TryGetGrainContext(grain.GetGrainId(), out var context) ? context.Address.SiloAddress : null;

    [Fact]
    public async Task Evicting_a_profile_makes_the_validations_cached_on_every_silo_serve_the_fresh_one_and_leaves_other_users_alone()
    {
        var subject = NewId("user_");
        var other = NewId("user_");
        var otherToken = Token(other);
        var tokens = new List<string>();
        var silos = new HashSet<SiloAddress>();
        while (silos.Count < 2)
        {
            Assert.True(tokens.Count < 64, "Every token of the user landed on the same silo.");
            var token = Token(subject);
            Assert.Equal("Test", (await ValidateAsync(token)).Profile?.FirstName);
            tokens.Add(token);
            silos.Add(SiloOf(GrainFor(token))!);
        }

        Assert.Equal("Test", (await ValidateAsync(otherToken)).Profile?.FirstName);
        fixture.Issuer.SetFirstName(subject, "Renamed");
        fixture.Issuer.SetFirstName(other, "Renamed too");
        var validations = fixture.Validations();

        var result = await Admin.EvictProfileAsync(fixture.Issuer.Issuer, subject);

        Assert.True(result.ProfileDropped);
        Assert.Equal(2, result.Silos);
        Assert.Empty(result.UnreachableSilos);
        foreach (var token in tokens)
        {
            var answer = await ValidateAsync(token);
            Assert.True(answer.FromCache);
            Assert.Equal("Renamed", answer.Profile?.FirstName);
        }

        Assert.Equal("Test", (await ValidateAsync(otherToken)).Profile?.FirstName);
        Assert.Equal(validations, fixture.Validations());
        Assert.Equal(2, fixture.Issuer.UserFetchesOf(subject));
        Assert.Equal(1, fixture.Issuer.UserFetchesOf(other));
    }

    [Fact]
    public async Task A_silo_missing_from_the_subscriptions_takes_note_of_the_eviction_when_it_catches_up_before_the_eviction_answers()
    {
        var silo = fixture.Cluster.Silos[1].SiloAddress;
        var subject = NewId("user_");
        string token;
        do
        {
            token = Token(subject);
            Assert.Equal("Test", (await ValidateAsync(token)).Profile?.FirstName);
        }
        while (!silo.Equals(SiloOf(GrainFor(token))));

        fixture.Issuer.SetFirstName(subject, "Renamed");

        // As after a reactivation of the list: it no longer knows this silo, so the silo misses the notification.
        await fixture.Grains.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key).UnsubscribeAsync(RevocationSubscriber.ForSilo(silo).Name);
        var result = await Admin.EvictProfileAsync(fixture.Issuer.Issuer, subject);

        Assert.Equal(2, result.Silos);
        Assert.Empty(result.UnreachableSilos);
        var answer = await ValidateAsync(token);
        Assert.True(answer.FromCache);
        Assert.Equal("Renamed", answer.Profile?.FirstName);
    }

    [Fact]
    public async Task An_eviction_of_another_issuers_user_of_the_same_name_changes_nothing()
    {
        var subject = NewId("user_");
        var token = Token(subject);
        Assert.Equal("Test", (await ValidateAsync(token)).Profile?.FirstName);
        fixture.Issuer.SetFirstName(subject, "Renamed");

        var result = await Admin.EvictProfileAsync(fixture.AudienceIssuer, subject);

        Assert.False(result.ProfileDropped);
        Assert.Equal("Test", (await ValidateAsync(token)).Profile?.FirstName);
        Assert.Equal(1, fixture.Issuer.UserFetchesOf(subject));
    }
}
