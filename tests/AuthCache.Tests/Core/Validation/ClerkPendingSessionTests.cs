using AuthCache.Core;
using AuthCache.Core.Jwks;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace AuthCache.Tests.Core.Validation;

/// <summary>
/// Clerk's pending sessions (<c>"v": 2, "sts": "pending"</c>) through the validator the grains and the direct scheme
/// share, with the issuer's keys fetched over real HTTP: signed out unless <c>AuthCache:Clerk:AcceptPendingSessions</c>.
/// </summary>
public sealed class ClerkPendingSessionTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;

    public async Task InitializeAsync() => _issuer = await TestIssuer.StartAsync();

    public async Task DisposeAsync() => await _issuer.DisposeAsync();

    private string Token(IDictionary<string, object> claims) => _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N"), extraClaims: claims);

    private static Dictionary<string, object> Session(object version, string status) => new() { ["v"] = version, ["sts"] = status };

    private async Task<TokenValidationOutcome> ValidateAsync(string token, string? acceptPendingSessions)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = _issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
        };
        if (acceptPendingSessions is not null)
        {
            settings["AuthCache:Clerk:AcceptPendingSessions"] = acceptPendingSessions;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddAuthCacheCore();
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<TokenValidator>().ValidateAsync(token, provider.GetRequiredService<LocalJwksKeySource>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public async Task A_pending_version_2_session_is_signed_out_with_reason_session_pending_unless_accepted(string? acceptPendingSessions)
    {
        var outcome = await ValidateAsync(Token(Session(2, "pending")), acceptPendingSessions);

        Assert.False(outcome.IsValid);
        Assert.Equal(AuthFailureReason.SessionPending, outcome.FailureReason);
    }

    [Fact]
    public async Task With_AcceptPendingSessions_a_pending_version_2_session_is_signed_in_and_keeps_its_status_claim()
    {
        var outcome = await ValidateAsync(Token(Session(2, "pending")), "true");

        Assert.True(outcome.IsValid);
        Assert.Contains(outcome.Claims, c => c.Type == "sts" && c.Value == "pending");
    }

    [Fact]
    public async Task Active_sessions_and_a_pending_status_outside_a_version_2_token_are_signed_in()
    {
        // Only Clerk's version 2 tokens say their session's status in "sts"; another issuer's claim of that name is its own.
        var tokens = new[]
        {
            Token(Session(2, "active")),
            Token(Session(1, "pending")),
            Token(Session("2", "pending")),
            Token(new Dictionary<string, object> { ["sts"] = "pending" }),
        };

        foreach (var token in tokens)
        {
            Assert.True((await ValidateAsync(token, null)).IsValid);
        }
    }

    [Fact]
    public async Task A_pending_session_whose_signature_is_wrong_is_refused_for_its_signature()
    {
        var forged = _issuer.CreateToken("user_forged", key: TestIssuer.CreateRsaKey("rsa-1"), extraClaims: Session(2, "pending"));

        Assert.Equal(AuthFailureReason.BadSignature, (await ValidateAsync(forged, null)).FailureReason);
    }
}
