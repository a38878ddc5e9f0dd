using System.Net;
using System.Text;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Revocation;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.AspNetCore.Webhooks;

/// <summary><c>POST /api/v1/webhooks/clerk</c> on the real API host, with deliveries signed as Svix signs them.</summary>
[Collection(RevocationApiCollection.Name)]
public sealed class ClerkWebhookApiTests(RevocationApiFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private SvixTestSigner Signer => fixture.Webhooks;

    private RevocationReplica Revocations => fixture.Host.App.Services.GetRequiredService<RevocationReplica>();

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    [Theory]
    [InlineData("session.revoked")]
    [InlineData("session.ended")]
    [InlineData("session.removed")]
    public async Task Session_events_revoke_the_session_and_its_token_is_then_401_revoked(string eventType)
    {
        var subject = NewId("user_");
        var sid = NewId("sess_");
        var token = fixture.Token(subject, sid);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/me", token)).StatusCode);

        var response = await Http.SendAsync(Signer.Delivery(SvixTestSigner.Event(eventType, sid, subject)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("revoked", body.GetProperty("status").GetString());
        Assert.Equal("sid", body.GetProperty("revocation").GetProperty("revoked").GetProperty("kind").GetString());
        Assert.Equal(1, body.GetProperty("revocation").GetProperty("droppedCachedValidations").GetInt32());
        Assert.Equal(AuthFailureReason.Revoked, (await Http.GetAsync("/api/v1/me", token)).ErrorDescription());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/me", fixture.Token(subject, NewId("sess_")))).StatusCode);
    }

    [Fact]
    public async Task User_deleted_revokes_the_subject()
    {
        var subject = NewId("user_");
        var token = fixture.Token(subject, NewId("sess_"));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/me", token)).StatusCode);

        var response = await Http.SendAsync(Signer.Delivery(SvixTestSigner.Event("user.deleted", subject)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sub", (await response.JsonAsync()).GetProperty("revocation").GetProperty("revoked").GetProperty("kind").GetString());
        Assert.Equal(AuthFailureReason.Revoked, (await Http.GetAsync("/api/v1/me", token)).ErrorDescription());
    }

    [Theory]
    [InlineData("user.created")]
    [InlineData("session.created")]
    [InlineData("organization.deleted")]
    public async Task Other_event_types_are_acknowledged_and_ignored(string eventType)
    {
        var before = Revocations.Count;

        var response = await Http.SendAsync(Signer.Delivery(SvixTestSigner.Event(eventType, NewId("id_"))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", (await response.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(before, Revocations.Count);
    }

    [Fact]
    public async Task Deliveries_that_fail_verification_are_refused_with_their_reason_and_revoke_nothing()
    {
        var sid = NewId("sess_");
        var body = SvixTestSigner.Event("session.revoked", sid);
        var otherSecret = "whsec_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        var tampered = Signer.Delivery(body);
        tampered.Content = new StringContent(SvixTestSigner.Event("session.revoked", NewId("sess_")), Encoding.UTF8, "application/json");
        var before = Revocations.Count;

        await AssertProblemAsync(Signer.Delivery(body, signingSecret: otherSecret), HttpStatusCode.Unauthorized, "invalid_signature");
        await AssertProblemAsync(tampered, HttpStatusCode.Unauthorized, "invalid_signature");
        await AssertProblemAsync(Signer.Delivery(body, signature: "v1,bm90IGEgc2lnbmF0dXJl"), HttpStatusCode.Unauthorized, "invalid_signature");
        await AssertProblemAsync(Signer.Delivery(body, withHeaders: false), HttpStatusCode.Unauthorized, "missing_signature_headers");
        await AssertProblemAsync(Signer.Delivery(body, age: TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1)), HttpStatusCode.Unauthorized, "timestamp_too_old");
        await AssertProblemAsync(Signer.Delivery(body, age: -(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1))), HttpStatusCode.Unauthorized, "timestamp_too_new");
        await AssertProblemAsync(Signer.Delivery(body, messageId: "msg with spaces"), HttpStatusCode.BadRequest, "malformed_message_id");
        Assert.Equal(before, Revocations.Count);

        // Within the tolerance on either side, the same event is accepted.
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(Signer.Delivery(body, age: TimeSpan.FromMinutes(4)))).StatusCode);
    }

    [Fact]
    public async Task A_replayed_message_id_is_refused_even_with_a_fresh_timestamp_and_signature()
    {
        var messageId = SvixTestSigner.NewMessageId();
        var body = SvixTestSigner.Event("session.ended", NewId("sess_"));

        var first = await Http.SendAsync(Signer.Delivery(body, messageId));
        var replay = await Http.SendAsync(Signer.Delivery(body, messageId));
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        var resigned = await Http.SendAsync(Signer.Delivery(body, messageId));
        var otherMessage = await Http.SendAsync(Signer.Delivery(body));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertProblemAsync(replay, HttpStatusCode.Conflict, "replayed_message");
        await AssertProblemAsync(resigned, HttpStatusCode.Conflict, "replayed_message");
        Assert.Equal(HttpStatusCode.OK, otherMessage.StatusCode);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"type\":\"session.revoked\",\"data\":")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"data\":{\"id\":\"sess_1\"}}")]
    [InlineData("{\"type\":\"session.revoked\",\"data\":{}}")]
    [InlineData("{\"type\":\"session.revoked\",\"data\":{\"id\":42}}")]
    [InlineData("{\"type\":\"user.deleted\",\"data\":{\"id\":\"user\\u0007bell\"}}")]
    [InlineData("{\"type\":\"user.deleted\",\"data\":{\"id\":\"\"}}")]
    [InlineData("{\"type\":\"user.updated\",\"data\":{}}")]
    [InlineData("{\"type\":\"user.updated\",\"data\":{\"id\":\"user\\u2028line\"}}")]
    public async Task Signed_bodies_that_are_not_usable_clerk_events_get_400(string body)
    {
        var before = Revocations.Count;

        await AssertProblemAsync(Signer.Delivery(body), HttpStatusCode.BadRequest, "malformed_payload");

        Assert.Equal(before, Revocations.Count);
    }

    [Fact]
    public async Task Invalid_utf8_and_deeply_nested_bodies_get_400_and_oversized_bodies_413()
    {
        await AssertProblemAsync(Signer.Delivery(new byte[] { 0x7B, 0xFF, 0xFE, 0x7D }), HttpStatusCode.BadRequest, "malformed_payload");
        await AssertProblemAsync(Signer.Delivery(new string('[', 5000) + new string(']', 5000)), HttpStatusCode.BadRequest, "malformed_payload");
        var oversized = "{\"type\":\"session.revoked\",\"data\":{\"id\":\"sess_1\"},\"pad\":\"" + new string('x', 256 * 1024) + "\"}";
        await AssertProblemAsync(Signer.Delivery(oversized), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    private async Task AssertProblemAsync(HttpRequestMessage request, HttpStatusCode status, string reason) =>
        await AssertProblemAsync(await Http.SendAsync(request), status, reason);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reason, (await response.JsonAsync()).GetProperty("reason").GetString());
    }
}
