using System.Security.Cryptography;
using System.Text;
using AuthCache.AspNetCore.Webhooks;

namespace AuthCache.Tests.AspNetCore.Webhooks;

public sealed class SvixSignatureVerifierTests
{
    // The worked example of Svix's "verifying webhooks manually" documentation.
    private const string DocumentedSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string DocumentedId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string DocumentedTimestamp = "1614265330";
    private const string DocumentedPayload = "{\"test\": 2432232314}";
    private const string DocumentedSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset DocumentedTime = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    private static SvixSignatureVerifier Verifier(string secret = DocumentedSecret)
    {
        Assert.True(SvixSignatureVerifier.TryCreate(secret, out var verifier));
        return verifier;
    }

    private static SvixVerification Verify(string? id = DocumentedId, string? timestamp = DocumentedTimestamp, string? signatures = DocumentedSignature, string payload = DocumentedPayload, DateTimeOffset? now = null, string secret = DocumentedSecret) =>
        Verifier(secret).Verify(id, timestamp, signatures, Encoding.UTF8.GetBytes(payload), now ?? DocumentedTime);

    /// <summary>Signs as Svix does, computed here independently of the verifier.</summary>
    private static string Sign(string secret, string id, string timestamp, string payload)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{payload}")));
    }

    [Fact]
    public void The_documented_svix_example_verifies()
    {
        Assert.Equal(SvixVerification.Success, Verify());
    }

    [Fact]
    public void A_delivery_signed_in_the_test_with_a_fresh_secret_verifies_and_any_listed_signature_may_match()
    {
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var payload = "{\"type\":\"session.ended\",\"data\":{\"id\":\"sess_1\"}}";
        var signature = Sign(secret, "msg_1", DocumentedTimestamp, payload);
        var rotated = Sign("whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)), "msg_1", DocumentedTimestamp, payload);

        Assert.True(Verify("msg_1", signatures: signature, payload: payload, secret: secret).Verified);
        Assert.True(Verify("msg_1", signatures: $"{rotated} v1a,ignored {signature}", payload: payload, secret: secret).Verified);
        Assert.True(Verifier(secret["whsec_".Length..]).Verify("msg_1", DocumentedTimestamp, signature, Encoding.UTF8.GetBytes(payload), DocumentedTime).Verified);
    }

    [Theory]
    [InlineData("{\"test\": 2432232315}")]
    [InlineData("{\"test\": 2432232314} ")]
    [InlineData("")]
    public void A_changed_body_fails(string payload)
    {
        Assert.Equal(SvixVerification.Unauthorized(SvixVerification.InvalidSignature), Verify(payload: payload));
    }

    [Fact]
    public void A_changed_id_or_timestamp_or_another_secret_fails()
    {
        var otherSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

        Assert.Equal(SvixVerification.InvalidSignature, Verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJel").Reason);
        Assert.Equal(SvixVerification.InvalidSignature, Verify(timestamp: "1614265331").Reason);
        Assert.Equal(SvixVerification.InvalidSignature, Verify(secret: otherSecret).Reason);
    }

    [Theory]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=")]
    [InlineData("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,not base64!")]
    [InlineData("v1,")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=AAAA")]
    public void Malformed_or_wrong_signatures_fail(string signatures)
    {
        Assert.Equal(SvixVerification.Unauthorized(SvixVerification.InvalidSignature), Verify(signatures: signatures));
    }

    [Fact]
    public void Timestamps_more_than_five_minutes_away_are_refused_as_replays()
    {
        Assert.True(Verify(now: DocumentedTime + TimeSpan.FromMinutes(5)).Verified);
        Assert.True(Verify(now: DocumentedTime - TimeSpan.FromMinutes(5)).Verified);
        Assert.Equal(SvixVerification.Unauthorized(SvixVerification.TimestampTooOld), Verify(now: DocumentedTime + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1)));
        Assert.Equal(SvixVerification.Unauthorized(SvixVerification.TimestampTooNew), Verify(now: DocumentedTime - TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData(null, DocumentedTimestamp, DocumentedSignature, SvixVerification.MissingHeaders, 401)]
    [InlineData(DocumentedId, null, DocumentedSignature, SvixVerification.MissingHeaders, 401)]
    [InlineData(DocumentedId, DocumentedTimestamp, null, SvixVerification.MissingHeaders, 401)]
    [InlineData("msg id with spaces", DocumentedTimestamp, DocumentedSignature, SvixVerification.MalformedMessageId, 400)]
    [InlineData(DocumentedId, "16142653.30", DocumentedSignature, SvixVerification.MalformedTimestamp, 400)]
    [InlineData(DocumentedId, "-1614265330", DocumentedSignature, SvixVerification.MalformedTimestamp, 400)]
    [InlineData(DocumentedId, "99999999999999999999", DocumentedSignature, SvixVerification.MalformedTimestamp, 400)]
    public void Missing_or_malformed_headers_are_refused_with_their_reason(string? id, string? timestamp, string? signatures, string reason, int status)
    {
        var verification = Verify(id, timestamp, signatures);

        Assert.False(verification.Verified);
        Assert.Equal(reason, verification.Reason);
        Assert.Equal(status, verification.StatusCode);
    }

    [Fact]
    public void An_overlong_signature_header_is_refused_before_any_work()
    {
        var signatures = string.Join(' ', Enumerable.Repeat(DocumentedSignature, 100));

        Assert.Equal(SvixVerification.BadRequest(SvixVerification.MalformedSignatureHeader), Verify(signatures: signatures));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData("whsec_not*base64")]
    [InlineData("whsec_c2hvcnQ=")]
    public void Unusable_secrets_are_refused(string? secret)
    {
        Assert.False(SvixSignatureVerifier.TryCreate(secret, out _));
    }
}
