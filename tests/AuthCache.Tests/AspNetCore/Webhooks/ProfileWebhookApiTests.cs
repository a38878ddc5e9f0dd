using System.Net;
using System.Text.Json;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.AspNetCore.Webhooks;

/// <summary>
/// Clerk's <c>user.updated</c> and <c>user.deleted</c> webhooks, Svix-signed, through the real API host: the cached
/// profile is evicted, the validations cached with a copy of it serve the fresh one, and the user API is asked once.
/// </summary>
[Collection(RevocationApiCollection.Name)]
public sealed class ProfileWebhookApiTests(RevocationApiFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private SvixTestSigner Signer => fixture.Webhooks;

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private async Task<JsonElement> MeAsync(string token)
    {
        var response = await Http.GetAsync("/api/v1/me", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<string?> FirstNameAsync(string token) => (await MeAsync(token)).GetProperty("profile").GetProperty("firstName").GetString();

    /// <summary>A user whose profile the cluster has cached (fetched once) and then renamed in the identity provider.</summary>
    private async Task<(string Subject, string Token)> RenamedCachedUserAsync()
    {
        var subject = NewId("user_");
        var token = fixture.Token(subject);
        Assert.Equal("Test", await FirstNameAsync(token));
        fixture.Issuer.SetFirstName(subject, "Renamed");
        Assert.Equal("Test", await FirstNameAsync(token));
        Assert.Equal(1, fixture.Issuer.UserFetchesOf(subject));
        return (subject, token);
    }

    private async Task<JsonElement> DeliverAsync(string eventType, string userId, string? messageId = null)
    {
        var response = await Http.SendAsync(Signer.Delivery(SvixTestSigner.Event(eventType, userId), messageId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static void AssertEvicted(JsonElement eviction, string issuer, string subject, bool profileDropped)
    {
        Assert.Equal(issuer, eviction.GetProperty("issuer").GetString());
        Assert.Equal(subject, eviction.GetProperty("subject").GetString());
        Assert.Equal(profileDropped, eviction.GetProperty("profileDropped").GetBoolean());
        Assert.Equal(1, eviction.GetProperty("silos").GetInt32());
        Assert.Empty(eviction.GetProperty("unreachableSilos").EnumerateArray());
        Assert.Empty(eviction.GetProperty("unconfirmedHosts").EnumerateArray());
    }

    [Fact]
    public async Task User_updated_evicts_the_profile_and_a_near_cached_token_gets_the_fresh_one_at_once()
    {
        var (subject, token) = await RenamedCachedUserAsync();

        var answer = await DeliverAsync("user.updated", subject);
        var me = await MeAsync(token);

        Assert.Equal("evicted", answer.GetProperty("status").GetString());
        Assert.Equal("user.updated", answer.GetProperty("type").GetString());
        AssertEvicted(answer.GetProperty("eviction"), fixture.Issuer.Issuer, subject, profileDropped: true);
        Assert.Equal("Renamed", me.GetProperty("profile").GetProperty("firstName").GetString());
        Assert.True(me.GetProperty("fromCache").GetBoolean(), "the validation itself stays cached; only its profile is read again");
        Assert.Equal("Renamed", await FirstNameAsync(token));
        Assert.Equal(2, fixture.Issuer.UserFetchesOf(subject));
    }

    [Fact]
    public async Task Once_the_webhook_is_answered_the_cached_validation_in_the_silo_serves_the_fresh_profile()
    {
        var (subject, token) = await RenamedCachedUserAsync();
        var grain = fixture.Host.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ITokenValidationGrain>(TokenHash.Compute(token));
        var before = await grain.ValidateAsync(token);

        await DeliverAsync("user.updated", subject);
        var after = await grain.ValidateAsync(token);

        Assert.True(before.FromCache);
        Assert.Equal("Test", before.Profile?.FirstName);
        Assert.True(after.FromCache);
        Assert.Equal("Renamed", after.Profile?.FirstName);
        Assert.Equal(before.CachedUntil, after.CachedUntil);
    }

    [Fact]
    public async Task User_deleted_revokes_the_subject_and_evicts_the_profile_so_a_later_token_fetches_it_again()
    {
        var (subject, token) = await RenamedCachedUserAsync();

        var answer = await DeliverAsync("user.deleted", subject);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        var later = fixture.Token(subject);

        Assert.Equal("revoked", answer.GetProperty("status").GetString());
        Assert.Equal("sub", answer.GetProperty("revocation").GetProperty("revoked").GetProperty("kind").GetString());
        AssertEvicted(answer.GetProperty("eviction"), fixture.Issuer.Issuer, subject, profileDropped: true);
        Assert.Equal(AuthFailureReason.Revoked, (await Http.GetAsync("/api/v1/me", token)).ErrorDescription());
        Assert.Equal("Renamed", await FirstNameAsync(later));
        Assert.Equal(2, fixture.Issuer.UserFetchesOf(subject));
    }

    [Fact]
    public async Task Repeated_user_updates_are_harmless_and_a_replayed_delivery_is_refused()
    {
        var (subject, token) = await RenamedCachedUserAsync();
        var messageId = SvixTestSigner.NewMessageId();

        var first = await DeliverAsync("user.updated", subject, messageId);
        var second = await DeliverAsync("user.updated", subject);
        var replay = await Http.SendAsync(Signer.Delivery(SvixTestSigner.Event("user.updated", subject), messageId));
        var neverCached = await DeliverAsync("user.updated", NewId("user_"));

        AssertEvicted(first.GetProperty("eviction"), fixture.Issuer.Issuer, subject, profileDropped: true);
        AssertEvicted(second.GetProperty("eviction"), fixture.Issuer.Issuer, subject, profileDropped: false);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Equal("replayed_message", (await replay.JsonAsync()).GetProperty("reason").GetString());
        Assert.False(neverCached.GetProperty("eviction").GetProperty("profileDropped").GetBoolean());
        Assert.Equal("Renamed", await FirstNameAsync(token));
        Assert.Equal("Renamed", await FirstNameAsync(token));
        Assert.Equal(2, fixture.Issuer.UserFetchesOf(subject));
    }
}
