using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AuthCache.Core.Validation;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Revocation;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.AspNetCore.Revocation;

/// <summary><c>POST /api/v1/cache/revoke</c> on the real API host over HTTP.</summary>
[Collection(RevocationApiCollection.Name)]
public sealed class RevocationApiTests(RevocationApiFixture fixture)
{
    private const string Route = "/api/v1/cache/revoke";

    private HttpClient Http => fixture.Http;

    private RevocationReplica Revocations => fixture.Host.App.Services.GetRequiredService<RevocationReplica>();

    private SiloValidationIndex Validations => fixture.Host.App.Services.GetRequiredService<SiloValidationIndex>();

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private Task<HttpResponseMessage> RevokeAsync(string query = "", string? adminKey = RevocationApiFixture.AdminKey, string? bearer = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Route + query) { Content = content };
        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return Http.SendAsync(request);
    }

    private static FormUrlEncodedContent Form(string name, string value) => new([new KeyValuePair<string, string>(name, value)]);

    [Fact]
    public async Task Revoking_needs_an_admin_key_or_an_admin_token()
    {
        var anonymous = await RevokeAsync("?sid=" + NewId("sess_"), adminKey: null);
        var wrongKey = await RevokeAsync("?sid=" + NewId("sess_"), adminKey: "not-the-key");
        var user = await RevokeAsync("?sid=" + NewId("sess_"), adminKey: null, bearer: fixture.Token(NewId("user_")));
        var adminToken = fixture.Token(NewId("admin_"), extraClaims: new Dictionary<string, object> { ["role"] = "admin" });
        var byToken = await RevokeAsync("?sid=" + NewId("sess_"), adminKey: null, bearer: adminToken);
        var byKey = await RevokeAsync("?sid=" + NewId("sess_"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
    }

    [Theory]
    [InlineData("", "missing_target")]
    [InlineData("?unrelated=1", "missing_target")]
    [InlineData("?sid=sess_1&sub=user_1", "multiple_targets")]
    [InlineData("?sid=sess_1&sid=sess_2", "multiple_targets")]
    [InlineData("?sid=", "empty_value")]
    [InlineData("?sub=%20%20", "empty_value")]
    [InlineData("?sid=sess%0D%0Aforged", "invalid_characters")]
    [InlineData("?sub=user%00", "invalid_characters")]
    [InlineData("?sub=user%E2%80%AE", "invalid_characters")]
    [InlineData("?tokenHash=abc", "invalid_token_hash")]
    [InlineData("?tokenHash=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln", "invalid_token_hash")]
    public async Task Bad_requests_get_400_with_a_reason_code_and_revoke_nothing(string query, string reason)
    {
        var before = Revocations.Count;

        var response = await RevokeAsync(query);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, reason);
        Assert.Equal(before, Revocations.Count);
    }

    [Fact]
    public async Task Over_long_values_bodies_of_the_wrong_kind_and_oversized_forms_are_refused_with_their_reason()
    {
        var before = Revocations.Count;

        await AssertProblemAsync(await RevokeAsync("?sid=" + new string('s', 257)), HttpStatusCode.BadRequest, "value_too_long");
        await AssertProblemAsync(await RevokeAsync("?sid=sess_1", content: Form("sid", "sess_2")), HttpStatusCode.BadRequest, "multiple_targets");
        await AssertProblemAsync(await RevokeAsync(content: new StringContent("{\"sid\":\"sess_1\"}", Encoding.UTF8, "application/json")), HttpStatusCode.UnsupportedMediaType, "unsupported_content_type");
        await AssertProblemAsync(await RevokeAsync(content: Form("sid", new string('s', 20_000))), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("sid=" + new string('s', 20_000))));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = chunked };
        request.Headers.Add("X-Admin-Key", RevocationApiFixture.AdminKey);
        request.Headers.TransferEncodingChunked = true;
        await AssertProblemAsync(await Http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(before, Revocations.Count);
    }

    [Fact]
    public async Task Revoking_a_session_drops_its_cached_validation_and_its_token_is_then_401_revoked_on_both_schemes()
    {
        var sid = NewId("sess_");
        var token = fixture.Token(NewId("user_"), sid);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/me", token)).StatusCode);
        var cachedBefore = Validations.TrackedCount;

        var response = await RevokeAsync(content: Form("sid", sid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("sid", body.GetProperty("revoked").GetProperty("kind").GetString());
        Assert.Equal(sid, body.GetProperty("revoked").GetProperty("value").GetString());
        Assert.Equal(1, body.GetProperty("droppedCachedValidations").GetInt32());
        Assert.Equal(1, body.GetProperty("confirmedSilos").GetInt32());
        Assert.Empty(body.GetProperty("unconfirmedSilos").EnumerateArray());
        Assert.True(body.GetProperty("persisted").GetBoolean());
        Assert.Equal(fixture.Time.GetUtcNow(), body.GetProperty("revokedAt").GetDateTimeOffset());
        // Kept as long as a token of the issuer may live (one hour by default), plus the clock skew.
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(5), body.GetProperty("retainedUntil").GetDateTimeOffset());
        Assert.Equal(cachedBefore - 1, Validations.TrackedCount);

        foreach (var path in new[] { "/api/v1/me", "/api/v1/direct/me" })
        {
            var rejected = await Http.GetAsync(path, token);
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
            Assert.Equal("Bearer error=\"invalid_token\", error_description=\"revoked\"", rejected.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task Revoking_a_subject_rejects_tokens_issued_until_then_and_accepts_a_token_issued_after()
    {
        var subject = NewId("user_");
        var earlier = fixture.Token(subject, NewId("sess_"));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/me", earlier)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync("?sub=" + subject)).StatusCode);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var later = fixture.Token(subject, NewId("sess_"));

        Assert.Equal(AuthFailureReason.Revoked, (await Http.GetAsync("/api/v1/me", earlier)).ErrorDescription());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/me", later)).StatusCode);
    }

    [Fact]
    public async Task Revoking_a_token_hash_rejects_that_token_and_not_its_siblings()
    {
        var subject = NewId("user_");
        var sid = NewId("sess_");
        var revoked = fixture.Token(subject, sid);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var sibling = fixture.Token(subject, sid);

        var response = await RevokeAsync("?tokenHash=" + TokenHash.Compute(revoked));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tokenHash", (await response.JsonAsync()).GetProperty("revoked").GetProperty("kind").GetString());
        Assert.Equal(AuthFailureReason.Revoked, (await Http.GetAsync("/api/v1/me", revoked)).ErrorDescription());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/me", sibling)).StatusCode);
    }

    [Fact]
    public async Task Every_revocation_and_refusal_is_audited_with_who_and_what_but_never_a_credential()
    {
        var sid = NewId("sess_");
        var adminSubject = NewId("admin_");
        var adminToken = fixture.Token(adminSubject, extraClaims: new Dictionary<string, object> { ["role"] = "admin" });
        var hashed = fixture.Token(NewId("user_"));
        var hash = TokenHash.Compute(hashed);

        await RevokeAsync("?sid=" + sid);
        await RevokeAsync("?tokenHash=" + hash, adminKey: null, bearer: adminToken);
        await RevokeAsync("?sid=sess%0Aforged");

        var audit = fixture.Host.Logs.Lines.Where(l => l.Contains("[3201]", StringComparison.Ordinal) || l.Contains("[3203]", StringComparison.Ordinal)).ToArray();
        Assert.Contains(audit, l => l.Contains("[3201]") && l.Contains("admin-key revoked sid " + sid, StringComparison.Ordinal));
        Assert.Contains(audit, l => l.Contains("[3201]") && l.Contains($"token:{adminSubject}@{fixture.Issuer.Issuer} revoked tokenHash {hash[..8]}…", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.Contains("[3203]") && l.Contains("invalid_characters", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Host.Logs.Lines, l => l.Contains(hash, StringComparison.Ordinal) && l.Contains("[3201]"));
        Assert.DoesNotContain(fixture.Host.Logs.Lines, l => l.Contains(adminToken.Split('.')[2], StringComparison.Ordinal) || l.Contains(RevocationApiFixture.AdminKey, StringComparison.Ordinal));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reason, (await response.JsonAsync()).GetProperty("reason").GetString());
    }
}
