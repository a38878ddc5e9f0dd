using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AuthCache.Tests.JwtBearer;

/// <summary>
/// One application, registered twice: with plain <c>AddJwtBearer</c>, and with the same registration plus
/// <c>UseAuthCache()</c>. Every case gets the same status code, the same claims and the same JwtBearer events, so an
/// application migrates by changing its registration only.
/// </summary>
public sealed class JwtBearerParityTests : IAsyncLifetime
{
    private const string Audience = "api://orders";

    private TestIssuer _issuer = null!;
    private BearerTestApp _plain = null!;
    private BearerTestApp _cached = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _plain = await BearerTestApp.StartAsync(_issuer, useAuthCache: false, Configure);
        _cached = await BearerTestApp.StartAsync(_issuer, useAuthCache: true, Configure);
    }

    public async Task DisposeAsync()
    {
        await _cached.DisposeAsync();
        await _plain.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    public static TheoryData<string> Cases => ["valid", "valid-admin-at-admin-route", "non-admin-at-admin-route", "expired", "not-yet-valid", "wrong-audience", "forged", "unknown-issuer", "no-token", "not-a-jwt"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Plain_JwtBearer_and_JwtBearer_with_AuthCache_answer_alike(string @case)
    {
        var (path, token) = Request(@case);

        var plain = await SendAsync(_plain, path, token);
        var cached = await SendAsync(_cached, path, token);

        Assert.Equal(plain.Status, cached.Status);
        AssertSameEvents(plain.Events, cached.Events);
        Assert.Equal(plain.Claims, cached.Claims);
        Assert.Equal(plain.Challenge?.Scheme, cached.Challenge?.Scheme);
    }

    [Fact]
    public async Task A_repeated_token_answered_from_the_cache_still_fires_the_same_events_with_the_same_claims()
    {
        var (path, token) = Request("valid");
        var first = await SendAsync(_cached, path, token);

        var again = await SendAsync(_cached, path, token);

        AssertSameEvents(first.Events, again.Events);
        Assert.Equal(first.Claims, again.Claims);
        Assert.Equal((await SendAsync(_plain, path, token)).Claims, again.Claims);
    }

    private static void Configure(JwtBearerOptions bearer) => bearer.Audience = Audience;

    /// <summary>
    /// The same events in the same order; a failure's exception is of the type plain JwtBearer gives or derives from
    /// it, so the application's <c>catch</c> and <c>is</c> checks keep matching.
    /// </summary>
    private static void AssertSameEvents(IReadOnlyList<string> plain, IReadOnlyList<string> cached)
    {
        Assert.Equal(plain.Select(e => e.Split(':')[0]), cached.Select(e => e.Split(':')[0]));
        foreach (var (expected, actual) in plain.Zip(cached).Where(p => p.First.Contains(':')))
        {
            var plainType = expected.Split(':')[1].Split('>')[0];
            Assert.Contains(plainType, actual.Split(':')[1].Split('>'));
        }
    }

    private (string Path, string? Token) Request(string @case)
    {
        var subject = "user_" + Guid.NewGuid().ToString("N")[..8];
        var admin = new Dictionary<string, object> { ["role"] = "admin" };
        var now = DateTime.UtcNow;
        return @case switch
        {
            "valid" => ("/claims", _issuer.CreateToken(subject, audience: Audience, extraClaims: new Dictionary<string, object> { ["email"] = subject + "@example.com", ["role"] = "reader" })),
            "valid-admin-at-admin-route" => ("/admins", _issuer.CreateToken(subject, audience: Audience, extraClaims: admin)),
            "non-admin-at-admin-route" => ("/admins", _issuer.CreateToken(subject, audience: Audience)),

            // Beyond JwtBearer's 5 minutes of clock skew, so both refuse it.
            "expired" => ("/claims", _issuer.CreateToken(subject, audience: Audience, lifetime: TimeSpan.FromMinutes(5), now: now.AddMinutes(-20))),
            "not-yet-valid" => ("/claims", _issuer.CreateToken(subject, audience: Audience, lifetime: TimeSpan.FromHours(1), now: now, notBefore: now.AddMinutes(20))),
            "wrong-audience" => ("/claims", _issuer.CreateToken(subject, audience: "api://someone-else")),
            "forged" => ("/claims", _issuer.CreateToken(subject, audience: Audience, key: TestIssuer.CreateRsaKey(_issuer.Rsa.KeyId))),
            "unknown-issuer" => ("/claims", _issuer.CreateToken(subject, audience: Audience, issuer: "https://evil.example")),
            "no-token" => ("/claims", null),
            _ => ("/claims", "not.a.jwt"),
        };
    }

    private static async Task<Answer> SendAsync(BearerTestApp app, string path, string? token)
    {
        var id = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(BearerTestApp.RequestIdHeader, id);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await app.Http.SendAsync(request);
        var claims = response.StatusCode == HttpStatusCode.OK && path == "/claims"
            ? (await response.Content.ReadFromJsonAsync<string[][]>())!.Select(c => (c[0], c[1])).Order().ToList()
            : [];
        return new Answer(response.StatusCode, app.EventsOf(id), claims, response.Headers.WwwAuthenticate.FirstOrDefault());
    }

    private sealed record Answer(HttpStatusCode Status, IReadOnlyList<string> Events, List<(string Type, string Value)> Claims, AuthenticationHeaderValue? Challenge);
}
