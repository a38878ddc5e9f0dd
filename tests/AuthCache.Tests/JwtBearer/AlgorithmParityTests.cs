using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using AuthCache.Tests.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.JwtBearer;

/// <summary>
/// Plain JwtBearer and JwtBearer with AuthCache against one issuer that publishes a key for each of the nine
/// algorithms: tokens of every algorithm get the same answer and claims. The announced differences
/// (docs/migrating-from-jwtbearer.md): a key used for an algorithm its <c>alg</c> does not name, or on a curve that is
/// not its algorithm's, and a 1024-bit RSA key; plain JwtBearer accepts their signatures, AuthCache refuses them.
/// </summary>
public sealed class AlgorithmParityTests : IAsyncLifetime
{
    private readonly Dictionary<string, AsymmetricSecurityKey> _keys =
        AlgorithmKeys.All.ToDictionary(a => a, a => AlgorithmKeys.CreateFor(a, AlgorithmKeys.KeyIdFor(a)));

    private readonly RsaSecurityKey _rsa1024 = new(System.Security.Cryptography.RSA.Create(1024)) { KeyId = "rsa-1024" };

    private TestIssuer _issuer = null!;
    private BearerTestApp _plain = null!;
    private BearerTestApp _cached = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        foreach (var (algorithm, key) in _keys)
        {
            _issuer.Publish(AlgorithmKeys.Jwk(key, algorithm));
        }

        _issuer.Publish(AlgorithmKeys.Jwk(_rsa1024, "RS256"));
        _plain = await BearerTestApp.StartAsync(_issuer, useAuthCache: false, Configure);
        _cached = await BearerTestApp.StartAsync(_issuer, useAuthCache: true, Configure);
    }

    public async Task DisposeAsync()
    {
        await _cached.DisposeAsync();
        await _plain.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    public static TheoryData<string> EveryAlgorithm => [.. AlgorithmKeys.All];

    [Theory]
    [MemberData(nameof(EveryAlgorithm))]
    public async Task A_token_of_each_algorithm_gets_the_same_answer_and_claims_from_plain_JwtBearer_and_from_AuthCache(string algorithm)
    {
        var subject = "user_" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer.Issuer,
            Claims = new Dictionary<string, object> { ["sub"] = subject },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(_keys[algorithm], algorithm),
        });

        var plain = await SendAsync(_plain, token);
        var cached = await SendAsync(_cached, token);

        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Equal(plain.Status, cached.Status);
        Assert.Equal(plain.Claims, cached.Claims);
    }

    [Theory]
    [InlineData("PS256", "RS256")]
    [InlineData("RS384", "RS256")]
    [InlineData("ES384", "ES256")]
    public async Task A_signature_by_a_key_for_an_algorithm_its_alg_does_not_name_is_accepted_by_plain_JwtBearer_and_refused_by_AuthCache(string headerAlgorithm, string keyAlgorithm)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = string.Create(CultureInfo.InvariantCulture, $$"""{"iss":"{{_issuer.Issuer}}","sub":"user_confused","iat":{{now}},"nbf":{{now}},"exp":{{now + 600}}}""");
        var token = AlgorithmKeys.Token(headerAlgorithm, AlgorithmKeys.KeyIdFor(keyAlgorithm), claims, _keys[keyAlgorithm]);

        var plain = await SendAsync(_plain, token);
        var cached = await SendAsync(_cached, token);

        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, cached.Status);
        Assert.Equal(AuthFailureReason.BadSignature, cached.Reason);
    }

    [Fact]
    public async Task A_signature_by_a_published_1024_bit_RSA_key_is_accepted_by_plain_JwtBearer_and_refused_by_AuthCache()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = string.Create(CultureInfo.InvariantCulture, $$"""{"iss":"{{_issuer.Issuer}}","sub":"user_weak","iat":{{now}},"nbf":{{now}},"exp":{{now + 600}}}""");
        var token = AlgorithmKeys.Token("RS256", _rsa1024.KeyId, claims, _rsa1024);

        var plain = await SendAsync(_plain, token);
        var cached = await SendAsync(_cached, token);

        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, cached.Status);
        Assert.Equal(AuthFailureReason.UnknownKey, cached.Reason);
    }

    private static void Configure(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions bearer) =>
        bearer.TokenValidationParameters.ValidateAudience = false;

    private static async Task<Answer> SendAsync(BearerTestApp app, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/claims") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        using var response = await app.Http.SendAsync(request);
        var claims = response.StatusCode == HttpStatusCode.OK
            ? string.Join(";", (await response.Content.ReadFromJsonAsync<string[][]>())!.Select(c => c[0] + "=" + c[1]).Order())
            : "";
        return new Answer(response.StatusCode, claims, response.ErrorDescription());
    }

    private sealed record Answer(HttpStatusCode Status, string Claims, string? Reason);
}
