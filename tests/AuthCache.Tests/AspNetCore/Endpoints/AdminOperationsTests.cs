using System.Net;
using System.Text.Json;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.AspNetCore.Endpoints;

/// <summary>JWKS refresh, cleanup input checks, the audit trail and the Prometheus endpoint of the running API host.</summary>
[Collection(ApiHostCollection.Name)]
public sealed class AdminOperationsTests(ApiHostFixture fixture)
{
    [Fact]
    public async Task Jwks_refresh_of_an_issuer_returns_the_key_ids_now_in_use()
    {
        var rotated = TestIssuer.CreateRsaKey("rsa-rotated-" + Guid.NewGuid().ToString("N")[..8]);
        var path = "/api/v1/cache/jwks/refresh?issuer=" + Uri.EscapeDataString(fixture.Issuer.Issuer);
        fixture.Issuer.Publish(rotated);
        JsonElement published;
        try
        {
            published = await RefreshAsync(path, HttpStatusCode.OK);
        }
        finally
        {
            fixture.Issuer.Unpublish(rotated.KeyId);
        }

        var withdrawn = await RefreshAsync(path, HttpStatusCode.OK);

        Assert.Equal(["ec-1", "rsa-1", rotated.KeyId], KeyIds(published).Order());
        Assert.Equal(["ec-1", "rsa-1"], KeyIds(withdrawn).Order());
        var issuer = withdrawn.GetProperty("issuers").EnumerateArray().Single();
        Assert.True(issuer.GetProperty("refreshed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, issuer.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Jwks_refresh_of_every_issuer_answers_502_naming_the_issuer_that_failed()
    {
        var body = await RefreshAsync("/api/v1/cache/jwks/refresh", HttpStatusCode.BadGateway);

        var issuers = body.GetProperty("issuers").EnumerateArray().ToDictionary(i => i.GetProperty("issuer").GetString()!);
        Assert.Equal(3, issuers.Count);
        Assert.False(issuers[fixture.UnreachableIssuer].GetProperty("refreshed").GetBoolean());
        Assert.False(string.IsNullOrEmpty(issuers[fixture.UnreachableIssuer].GetProperty("error").GetString()));
        Assert.True(issuers[fixture.Issuer.Issuer].GetProperty("refreshed").GetBoolean());
        Assert.True(issuers[fixture.AudienceIssuer].GetProperty("refreshed").GetBoolean());
    }

    [Theory]
    [InlineData("https://not-configured.example")]
    [InlineData("")]
    public async Task Jwks_refresh_of_an_unknown_issuer_is_a_400_with_a_reason(string issuer)
    {
        var response = await fixture.Http.PostAsync("/api/v1/cache/jwks/refresh?issuer=" + Uri.EscapeDataString(issuer), adminKey: ApiHostFixture.AdminKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unknown_issuer", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Cleanup_with_an_unknown_scope_is_a_400_with_a_reason_and_removes_nothing()
    {
        var token = fixture.Issuer.CreateToken("user_scope_" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/me", token)).StatusCode);

        var response = await fixture.Http.PostAsync("/api/v1/cache/cleanup?scope=everything", adminKey: ApiHostFixture.AdminKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_scope", (await response.JsonAsync()).GetProperty("error").GetString());
        var again = await (await fixture.Http.GetAsync("/api/v1/me", token)).JsonAsync();
        Assert.True(again.GetProperty("fromCache").GetBoolean());
    }

    [Fact]
    public async Task Admin_actions_are_audited_with_who_what_and_outcome_and_never_a_secret()
    {
        var subject = "user_auditor_" + Guid.NewGuid().ToString("N")[..8];
        var adminToken = fixture.Issuer.CreateToken(subject, extraClaims: new Dictionary<string, object> { ["role"] = "admin" });
        var plainSubject = "user_intruder_" + Guid.NewGuid().ToString("N")[..8];
        var plainToken = fixture.Issuer.CreateToken(plainSubject);

        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.PostAsync("/api/v1/cache/cleanup", adminKey: ApiHostFixture.AdminKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.PostAsync("/api/v1/cache/jwks/refresh?issuer=" + Uri.EscapeDataString(fixture.Issuer.Issuer), bearer: adminToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/v1/cache/stats", adminKey: ApiHostFixture.AdminKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Http.PostAsync("/api/v1/cache/cleanup?scope=all", bearer: plainToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Http.PostAsync("/api/v1/cache/cleanup", adminKey: "guess-" + ApiHostFixture.AdminKey)).StatusCode);

        var lines = fixture.Logs.Lines.ToArray();
        var performed = lines.Where(l => l.Contains("AdminAuditLog[6001]", StringComparison.Ordinal)).ToArray();
        var denied = lines.Where(l => l.Contains("AdminAuditLog[6002]", StringComparison.Ordinal)).ToArray();
        Assert.Contains(performed, l => l.Contains("Admin action cache.cleanup by admin-key: success", StringComparison.Ordinal));
        Assert.Contains(performed, l => l.Contains($"Admin action jwks.refresh by {subject}@{fixture.Issuer.Issuer}: success", StringComparison.Ordinal));
        Assert.Contains(performed, l => l.Contains("Admin action cache.stats by admin-key: success", StringComparison.Ordinal));
        Assert.Contains(denied, l => l.Contains($"Admin action POST /api/v1/cache/cleanup denied to {plainSubject}@{fixture.Issuer.Issuer}: forbidden", StringComparison.Ordinal));
        Assert.Contains(denied, l => l.Contains("Admin action POST /api/v1/cache/cleanup denied to anonymous: unauthenticated", StringComparison.Ordinal));
        foreach (var secret in new[] { ApiHostFixture.AdminKey, adminToken.Split('.')[2], plainToken.Split('.')[2] })
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Metrics_expose_the_AuthCache_Orleans_and_AspNetCore_instruments_in_Prometheus_format_after_traffic()
    {
        // A host of its own: the instruments are read from a process whose traffic is this test's alone.
        await using var host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = fixture.Issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:Issuers:0:AuthorizedParties:0"] = ApiHostFixture.AuthorizedParty,
            ["AuthCache:UserProfiles:BaseUrl"] = fixture.Issuer.BaseUrl,
            ["AuthCache:UserProfiles:SecretKey"] = TestIssuer.ClerkSecretKey,
            ["AuthCache:UserProfiles:Issuer"] = fixture.Issuer.Issuer,
        });
        var subject = "user_metrics_" + Guid.NewGuid().ToString("N")[..8];
        var first = fixture.Issuer.CreateToken(subject, sid: "sess_m1");
        var second = fixture.Issuer.CreateToken(subject, sid: "sess_m2");
        foreach (var token in new[] { first, first, second })
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/v1/me", token)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.GetAsync("/api/v1/me", fixture.Issuer.CreateToken(subject, now: DateTime.UtcNow.AddHours(-2)))).StatusCode);

        string[] expected =
        [
            "# TYPE authcache_near_cache_hits_total counter",
            "# TYPE authcache_token_cache_misses_total counter",
            "# TYPE authcache_validations_total counter",
            "authcache_validations_total{otel_scope_name=\"AuthCache\",outcome=\"valid\"}",
            "authcache_validations_total{otel_scope_name=\"AuthCache\",outcome=\"expired\"}",
            "authcache_jwks_fetches_total{otel_scope_name=\"AuthCache\",issuer=\"" + fixture.Issuer.Issuer + "\",outcome=\"success\"}",
            "authcache_profile_fetches_total{otel_scope_name=\"AuthCache\",outcome=\"success\"}",
            "# TYPE authcache_profile_cache_hits_total counter",
            "# TYPE authcache_request_cache_hits_total counter",
            "# TYPE authcache_token_cache_active_entries gauge",
            "# TYPE authcache_authentication_duration_seconds histogram",
            "authcache_authentication_duration_seconds_bucket{otel_scope_name=\"AuthCache\",result=\"hit\",le=\"0.001\"}",
            "# TYPE orleans_",
            "# TYPE http_server_request_duration_seconds histogram",
        ];

        var text = "";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var response = await host.Http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
            text = await response.Content.ReadAsStringAsync();
            if (expected.All(e => text.Contains(e, StringComparison.Ordinal)))
            {
                break;
            }

            // The exporter caches a scrape for a short while: ask again after it.
            await Task.Delay(200);
        }

        Assert.All(expected, e => Assert.Contains(e, text));
        Assert.DoesNotContain(first.Split('.')[2], text);
        Assert.DoesNotContain(subject, text);
    }

    private static IEnumerable<string> KeyIds(JsonElement body) =>
        body.GetProperty("issuers").EnumerateArray().Single().GetProperty("keyIds").EnumerateArray().Select(k => k.GetString()!);

    private async Task<JsonElement> RefreshAsync(string path, HttpStatusCode expected)
    {
        var response = await fixture.Http.PostAsync(path, adminKey: ApiHostFixture.AdminKey);
        Assert.Equal(expected, response.StatusCode);
        return await response.JsonAsync();
    }
}
