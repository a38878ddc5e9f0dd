using System.Net;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AuthCache.Tests.JwtBearer;

/// <summary>
/// An admin token is an admin whether the application's JwtBearer scheme maps inbound claims (its default:
/// <c>role</c> arrives as <c>ClaimTypes.Role</c>, <c>sub</c> as <c>ClaimTypes.NameIdentifier</c>) or keeps the JWT's
/// names, and the audit trail names its subject either way.
/// </summary>
public sealed class AdminTokenClaimMappingTests : IAsyncLifetime
{
    private const string Audience = "api://admin-claims";

    private TestIssuer _issuer = null!;

    public async Task InitializeAsync() => _issuer = await TestIssuer.StartAsync();

    public async Task DisposeAsync() => await _issuer.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_admin_role_token_may_revoke_and_is_named_in_the_audit_trail(bool mapInboundClaims)
    {
        var logs = new LogCapture();
        await using var app = await BearerTestApp.StartAsync(_issuer, useAuthCache: true, bearer => Configure(bearer, mapInboundClaims), adminRole: "admin", logs: logs);
        var subject = "admin_" + Guid.NewGuid().ToString("N")[..8];
        var token = _issuer.CreateToken(subject, audience: Audience, extraClaims: new Dictionary<string, object> { ["role"] = "admin" });

        var answer = await app.Http.SendAsync(Revoke(token, "sess_target"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains(logs.Lines, line => line.Contains("[3201]", StringComparison.Ordinal) && line.Contains("token:" + subject + "@" + _issuer.Issuer, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_token_without_the_admin_role_may_not_revoke(bool mapInboundClaims)
    {
        await using var app = await BearerTestApp.StartAsync(_issuer, useAuthCache: true, bearer => Configure(bearer, mapInboundClaims), adminRole: "admin");
        var token = _issuer.CreateToken("user_plain", audience: Audience, extraClaims: new Dictionary<string, object> { ["role"] = "member" });

        var answer = await app.Http.SendAsync(Revoke(token, "sess_target"));

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
    }

    private static void Configure(JwtBearerOptions bearer, bool mapInboundClaims)
    {
        bearer.Audience = Audience;
        bearer.MapInboundClaims = mapInboundClaims;
    }

    private static HttpRequestMessage Revoke(string token, string sid)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cache/revoke?sid=" + sid);
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }
}
