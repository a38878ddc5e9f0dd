using System.Net;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.ApiHost;

[Collection(ApiHostCollection.Name)]
public sealed class AuthenticationApiTests(ApiHostFixture fixture)
{
    private static string NewSubject() => "user_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Valid_token_reaches_the_endpoint_and_the_next_request_is_a_cache_hit()
    {
        var subject = NewSubject();
        var token = fixture.Issuer.CreateToken(subject);

        var first = await fixture.Http.GetAsync("/api/v1/me", token);
        var second = await fixture.Http.GetAsync("/api/v1/me", token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstBody = await first.JsonAsync();
        var secondBody = await second.JsonAsync();
        Assert.Equal(subject, firstBody.GetProperty("subject").GetString());
        Assert.False(firstBody.GetProperty("fromCache").GetBoolean());
        Assert.True(secondBody.GetProperty("fromCache").GetBoolean());
        Assert.Equal("Cluster", firstBody.GetProperty("source").GetString());
        Assert.Equal("NearCache", secondBody.GetProperty("source").GetString());
        Assert.Equal(subject + "@example.com", secondBody.GetProperty("profile").GetProperty("primaryEmail").GetString());
    }

    [Theory]
    [InlineData(AuthFailureReason.Expired)]
    [InlineData(AuthFailureReason.NotYetValid)]
    [InlineData(AuthFailureReason.BadSignature)]
    [InlineData(AuthFailureReason.UnknownKey)]
    [InlineData(AuthFailureReason.UnknownIssuer)]
    [InlineData(AuthFailureReason.AlgorithmNotAllowed)]
    [InlineData(AuthFailureReason.InvalidAuthorizedParty)]
    [InlineData(AuthFailureReason.InvalidAudience)]
    [InlineData(AuthFailureReason.Malformed)]
    [InlineData(AuthFailureReason.TokenTooLarge)]
    [InlineData(AuthFailureReason.SessionPending)]
    [InlineData(AuthFailureReason.LifetimeTooLong)]
    public async Task Rejected_token_gets_401_with_its_reason_code(string reason)
    {
        var token = BadToken(reason);

        foreach (var path in new[] { "/api/v1/me", "/api/v1/direct/me" })
        {
            var response = await fixture.Http.GetAsync(path, token);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(reason, response.ErrorDescription());
            Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task Request_without_a_token_is_challenged_without_an_error()
    {
        var response = await fixture.Http.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().ToString());
    }

    [Fact]
    public async Task Issuer_whose_keys_cannot_be_fetched_gets_503_keys_unavailable()
    {
        var token = fixture.Issuer.CreateToken(NewSubject(), issuer: fixture.UnreachableIssuer);

        var response = await fixture.Http.GetAsync("/api/v1/me", token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(AuthFailureReason.KeysUnavailable, response.ErrorDescription());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Direct_scheme_validates_in_process_with_the_same_rules()
    {
        var token = fixture.Issuer.CreateToken(NewSubject(), key: fixture.Issuer.Ec);

        var response = await fixture.Http.GetAsync("/api/v1/direct/me", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Direct", body.GetProperty("source").GetString());
        Assert.False(body.GetProperty("fromCache").GetBoolean());
    }

    [Fact]
    public async Task Request_cache_resolves_a_token_once_per_request()
    {
        var token = fixture.Issuer.CreateToken(NewSubject());

        var response = await fixture.Http.GetAsync("/api/v1/cache/demo/request-cache", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(6, body.GetProperty("resolutions").GetInt32());
        Assert.Equal(5, body.GetProperty("requestCacheHits").GetInt32());
        Assert.Equal(1, body.GetProperty("clusterCalls").GetInt32());
    }

    [Fact]
    public async Task Garbage_never_activates_a_grain_and_never_gets_a_5xx()
    {
        var grains = fixture.Host.App.Services.GetRequiredService<IGrainFactory>();
        var before = await TokenGrainActivationsAsync(grains);
        var garbage = new[]
        {
            "x", "a.b", "a.b.c", "a.b.c.d.e", new string('a', 9000), "....", "\u0001.\u0002.\u0003",
            BadToken(AuthFailureReason.UnknownIssuer), BadToken(AuthFailureReason.AlgorithmNotAllowed), BadToken(AuthFailureReason.Expired),
            TestIssuer.Craft(new { alg = "none", typ = "JWT" }, new { iss = fixture.Issuer.Issuer, sub = "x", exp = Exp() }, ""),
        };

        foreach (var token in garbage)
        {
            var response = await fixture.Http.GetAsync("/api/v1/me", token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(before, await TokenGrainActivationsAsync(grains));
    }

    private static async Task<int> TokenGrainActivationsAsync(IGrainFactory grains)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("TokenValidationGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    private static long Exp(int minutes = 10) => DateTimeOffset.UtcNow.AddMinutes(minutes).ToUnixTimeSeconds();

    private string BadToken(string reason)
    {
        var issuer = fixture.Issuer;
        var subject = NewSubject();
        return reason switch
        {
            AuthFailureReason.Expired => issuer.CreateToken(subject, lifetime: TimeSpan.FromMinutes(10), now: DateTime.UtcNow.AddHours(-1)),
            AuthFailureReason.NotYetValid => issuer.CreateToken(subject, notBefore: DateTime.UtcNow.AddMinutes(10)),
            AuthFailureReason.BadSignature => issuer.CreateToken(subject, key: TestIssuer.CreateRsaKey("rsa-1")),
            AuthFailureReason.UnknownKey => issuer.CreateToken(subject, key: TestIssuer.CreateRsaKey("unpublished-" + Guid.NewGuid().ToString("N"))),
            AuthFailureReason.UnknownIssuer => issuer.CreateToken(subject, issuer: "https://not-trusted.example"),
            // HS256 "signed" with the issuer's public key: the classic algorithm-confusion attack.
            AuthFailureReason.AlgorithmNotAllowed => TestIssuer.Craft(new { alg = "HS256", typ = "JWT", kid = "rsa-1" }, new { iss = issuer.Issuer, sub = subject, exp = Exp() }, Base64UrlEncoder.Encode(new byte[32])),
            AuthFailureReason.InvalidAuthorizedParty => issuer.CreateToken(subject, azp: "https://evil.example"),
            AuthFailureReason.InvalidAudience => issuer.CreateToken(subject, issuer: fixture.AudienceIssuer, audience: "api://someone-else"),
            AuthFailureReason.Malformed => "not-a-jwt",
            // Over the fixture's AuthCache:MaxTokenSize (16 KB).
            AuthFailureReason.TokenTooLarge => issuer.CreateToken(subject, extraClaims: new Dictionary<string, object> { ["pad"] = new string('p', 17_000) }),
            // A Clerk session with a task still to do: signed out while AuthCache:Clerk:AcceptPendingSessions is off.
            AuthFailureReason.SessionPending => issuer.CreateToken(subject, extraClaims: new Dictionary<string, object> { ["v"] = 2, ["sts"] = "pending" }),
            AuthFailureReason.LifetimeTooLong => issuer.CreateToken(subject, lifetime: TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1)),
            _ => throw new ArgumentOutOfRangeException(nameof(reason)),
        };
    }
}
