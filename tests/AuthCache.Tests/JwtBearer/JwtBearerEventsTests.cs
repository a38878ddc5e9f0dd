using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using AuthCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.JwtBearer;

/// <summary>
/// JwtBearer's events and options, unchanged by <c>UseAuthCache()</c>: each is exercised on a real application over
/// real HTTP, its tokens validated through AuthCache.
/// </summary>
public sealed class JwtBearerEventsTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;

    public async Task InitializeAsync() => _issuer = await TestIssuer.StartAsync();

    public async Task DisposeAsync() => await _issuer.DisposeAsync();

    private string Token(TimeSpan? lifetime = null, DateTime? now = null, string? audience = null) =>
        _issuer.CreateToken("user_" + Guid.NewGuid().ToString("N")[..8], lifetime: lifetime, now: now, audience: audience);

    [Fact]
    public async Task OnMessageReceived_can_supply_the_token_from_the_query_string_as_SignalR_sends_it()
    {
        await using var app = await StartAsync(bearer => Chain(bearer, messageReceived: context =>
        {
            if (context.Request.Query["access_token"] is [{ Length: > 0 } token])
            {
                context.Token = token;
            }
        }));

        var withQuery = await app.Http.GetAsync("/claims?access_token=" + Token());
        var without = await app.Http.GetAsync("/claims");

        Assert.Equal(HttpStatusCode.OK, withQuery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
    }

    [Fact]
    public async Task OnTokenValidated_can_add_claims_and_can_fail_the_request()
    {
        var blocked = Token();
        await using var app = await StartAsync(bearer => Chain(bearer, tokenValidated: context =>
        {
            if (context.Principal!.FindFirst(ClaimTypes.NameIdentifier)?.Value == Subject(blocked))
            {
                context.Fail("blocked by the application");
                return;
            }

            ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim("tenant", "acme"));
        }));

        var allowed = await app.Http.GetAsync("/claims", Token());
        var refused = await app.Http.GetAsync("/claims", blocked);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains(["tenant", "acme"], (await allowed.Content.ReadFromJsonAsync<string[][]>())!);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task OnAuthenticationFailed_sees_the_exception_JwtBearer_gives_and_can_add_to_the_response()
    {
        await using var app = await StartAsync(bearer => Chain(bearer, authenticationFailed: context =>
        {
            if (context.Exception is SecurityTokenExpiredException)
            {
                context.Response.Headers["Token-Expired"] = "true";
            }
        }));

        var expired = await app.Http.GetAsync("/claims", Token(lifetime: TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddMinutes(-20)));

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("true", expired.Headers.GetValues("Token-Expired").Single());
        Assert.Equal("expired", expired.ErrorDescription());
    }

    [Fact]
    public async Task OnChallenge_can_answer_in_the_applications_own_way_and_AuthCache_leaves_that_answer_alone()
    {
        await using var app = await StartAsync(bearer => Chain(bearer, challenge: context =>
        {
            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"error\":\"sign in again\"}");
        }));

        var answer = await app.Http.GetAsync("/claims", Token(lifetime: TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddMinutes(-20)));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("{\"error\":\"sign in again\"}", await answer.Content.ReadAsStringAsync());
        Assert.Empty(answer.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task OnForbidden_fires_for_a_valid_token_that_a_policy_refuses()
    {
        var forbidden = 0;
        await using var app = await StartAsync(bearer => Chain(bearer, forbidden: _ => Interlocked.Increment(ref forbidden)));

        var answer = await app.Http.GetAsync("/admins", Token());

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Equal(1, forbidden);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SaveToken_keeps_the_token_for_the_endpoint_as_JwtBearer_does(bool saveToken)
    {
        await using var app = await StartAsync(bearer => bearer.SaveToken = saveToken);
        var token = Token();

        var saved = await (await app.Http.GetAsync("/saved-token", token)).Content.ReadAsStringAsync();

        Assert.Equal(saveToken ? token : "(none)", saved);
    }

    [Theory]
    [InlineData(true, "sub", "role")]
    [InlineData(false, "sub", "role")]
    public async Task MapInboundClaims_maps_claim_types_as_JwtBearer_does_and_the_name_and_role_claim_types_apply(bool mapInboundClaims, string subjectClaim, string roleClaim)
    {
        await using var app = await StartAsync(bearer =>
        {
            bearer.MapInboundClaims = mapInboundClaims;
            if (!mapInboundClaims)
            {
                bearer.TokenValidationParameters.NameClaimType = subjectClaim;
                bearer.TokenValidationParameters.RoleClaimType = roleClaim;
            }
        });
        var token = _issuer.CreateToken("user_claims", extraClaims: new Dictionary<string, object> { ["role"] = "admin" });

        var claims = (await (await app.Http.GetAsync("/claims", token)).Content.ReadFromJsonAsync<string[][]>())!;
        var admins = await app.Http.GetAsync("/admins", token);

        Assert.Contains([mapInboundClaims ? ClaimTypes.NameIdentifier : subjectClaim, "user_claims"], claims);
        Assert.Contains([mapInboundClaims ? ClaimTypes.Role : roleClaim, "admin"], claims);
        Assert.Equal(HttpStatusCode.OK, admins.StatusCode);
    }

    [Fact]
    public async Task Schemes_with_different_rules_share_one_cache_and_each_refuses_what_its_own_rules_refuse()
    {
        await using var app = await BearerTestApp.StartAsync(_issuer, useAuthCache: true, otherSchemes: new Dictionary<string, Action<JwtBearerOptions>>
        {
            ["Orders"] = bearer => bearer.Audience = "api://orders",
            ["Billing"] = bearer => bearer.Audience = "api://billing",
        });
        var ordersToken = Token(audience: "api://orders");

        var orders = await app.Http.GetAsync("/schemes/Orders/claims", ordersToken);
        var billing = await app.Http.GetAsync("/schemes/Billing/claims", ordersToken);
        var ordersAgain = await app.Http.GetAsync("/schemes/Orders/claims", ordersToken);

        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, billing.StatusCode);
        Assert.Equal("invalid_audience", billing.ErrorDescription());
        Assert.Equal(HttpStatusCode.OK, ordersAgain.StatusCode);
    }

    private static string? Subject(string token) => new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Subject;

    /// <summary>An application whose tokens carry no audience, so it checks none.</summary>
    private Task<BearerTestApp> StartAsync(Action<JwtBearerOptions> configure) => BearerTestApp.StartAsync(_issuer, useAuthCache: true, bearer =>
    {
        bearer.TokenValidationParameters.ValidateAudience = false;
        configure(bearer);
    });

    /// <summary>Adds the application's handlers after the recording ones, as an application sets its events.</summary>
    private static void Chain(
        JwtBearerOptions bearer,
        Action<MessageReceivedContext>? messageReceived = null,
        Action<TokenValidatedContext>? tokenValidated = null,
        Action<AuthenticationFailedContext>? authenticationFailed = null,
        Func<JwtBearerChallengeContext, Task>? challenge = null,
        Action<ForbiddenContext>? forbidden = null)
    {
        var events = bearer.Events;
        var (received, validated, failed, challenged, forbade) = (events.OnMessageReceived, events.OnTokenValidated, events.OnAuthenticationFailed, events.OnChallenge, events.OnForbidden);
        events.OnMessageReceived = async context =>
        {
            await received(context);
            messageReceived?.Invoke(context);
        };
        events.OnTokenValidated = async context =>
        {
            await validated(context);
            tokenValidated?.Invoke(context);
        };
        events.OnAuthenticationFailed = async context =>
        {
            await failed(context);
            authenticationFailed?.Invoke(context);
        };
        events.OnChallenge = async context =>
        {
            await challenged(context);
            if (challenge is not null)
            {
                await challenge(context);
            }
        };
        events.OnForbidden = async context =>
        {
            await forbade(context);
            forbidden?.Invoke(context);
        };
    }
}
