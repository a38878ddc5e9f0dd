using System.Security.Claims;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Core.Validation;

/// <summary>A process's issuer rules applied to answers validated elsewhere, as TokenValidator applies them to tokens.</summary>
public sealed class IssuerRulesTests
{
    private const string Issuer = "https://issuer.example";
    private const string Party = "https://app.example";
    private const string Audience = "api://authcache";

    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static AuthCacheOptions Options(List<string>? audiences = null, List<string>? parties = null) => new()
    {
        ClockSkew = TimeSpan.FromSeconds(5),
        Issuers = [new IssuerOptions { Issuer = Issuer, Audiences = audiences ?? [], AuthorizedParties = parties ?? [] }],
    };

    private static TokenValidationOutcome Answer(string issuer = Issuer, DateTimeOffset? expiresAt = null, (string Type, string Value)[]? claims = null) => new(
        true,
        null,
        issuer,
        "user_1",
        (claims ?? []).Select(c => new TokenClaim(c.Type, c.Value, ClaimValueTypes.String)).Prepend(new TokenClaim("sub", "user_1", ClaimValueTypes.String)).ToArray(),
        expiresAt ?? Now.AddMinutes(10),
        Now.AddMinutes(5),
        null,
        true);

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void An_authorized_party_the_issuer_does_not_list_is_refused_and_a_listed_or_absent_one_is_accepted()
    {
        var rules = IssuerRules.From(Options(parties: [Party]));

        Assert.Equal(AuthFailureReason.InvalidAuthorizedParty, rules.Refuses(Answer(claims: [("azp", "https://evil.example")]), Now));
        Assert.Null(rules.Refuses(Answer(claims: [("azp", Party)]), Now));
        Assert.Null(rules.Refuses(Answer(), Now));
        Assert.Null(IssuerRules.From(Options()).Refuses(Answer(claims: [("azp", "https://evil.example")]), Now));
    }

    [Fact]
    public void An_answer_without_one_of_the_issuers_audiences_is_refused_and_a_trailing_slash_is_ignored_as_JsonWebTokenHandler_ignores_it()
    {
        var rules = IssuerRules.From(Options(audiences: [Audience]));

        Assert.Equal(AuthFailureReason.InvalidAudience, rules.Refuses(Answer(claims: [("aud", "api://other")]), Now));
        Assert.Equal(AuthFailureReason.InvalidAudience, rules.Refuses(Answer(), Now));
        Assert.Equal(AuthFailureReason.InvalidAudience, rules.Refuses(Answer(claims: [("aud", Audience + "//")]), Now));
        Assert.Null(rules.Refuses(Answer(claims: [("aud", "api://other"), ("aud", Audience)]), Now));
        Assert.Null(rules.Refuses(Answer(claims: [("aud", Audience + "/")]), Now));
        Assert.Null(IssuerRules.From(Options(audiences: [Audience + "/"])).Refuses(Answer(claims: [("aud", Audience)]), Now));
    }

    [Fact]
    public void An_issuer_this_process_does_not_trust_is_refused_as_unknown()
    {
        var rules = IssuerRules.From(Options());

        Assert.Equal(AuthFailureReason.UnknownIssuer, rules.Refuses(Answer(issuer: "https://other.example"), Now));
        Assert.Equal(AuthFailureReason.UnknownIssuer, rules.Refuses(Answer() with { Issuer = null }, Now));
    }

    [Fact]
    public void The_lifetime_is_this_processs_own_with_its_clock_skew()
    {
        var rules = IssuerRules.From(Options());

        Assert.Equal(AuthFailureReason.Expired, rules.Refuses(Answer(expiresAt: Now.AddSeconds(-5)), Now));
        Assert.Null(rules.Refuses(Answer(expiresAt: Now.AddSeconds(-4)), Now));
        Assert.Equal(AuthFailureReason.NotYetValid, rules.Refuses(Answer(claims: [("nbf", Seconds(Now.AddSeconds(6)))]), Now));
        Assert.Equal(AuthFailureReason.NotYetValid, rules.Refuses(Answer(claims: [("iat", Seconds(Now.AddMinutes(1)))]), Now));
        Assert.Null(rules.Refuses(Answer(claims: [("nbf", Seconds(Now.AddSeconds(5))), ("iat", Seconds(Now.AddSeconds(-60)))]), Now));
        Assert.Equal(AuthFailureReason.Malformed, rules.Refuses(Answer() with { ExpiresAt = null }, Now));
    }

    [Fact]
    public void A_token_failing_several_rules_gets_the_reason_the_validator_checks_first()
    {
        var rules = IssuerRules.From(Options(audiences: [Audience], parties: [Party]));

        Assert.Equal(AuthFailureReason.InvalidAudience, rules.Refuses(Answer(claims: [("azp", "https://evil.example"), ("aud", "api://other")]), Now));
        Assert.Equal(AuthFailureReason.NotYetValid, rules.Refuses(Answer(claims: [("azp", "https://evil.example"), ("nbf", Seconds(Now.AddMinutes(1)))]), Now));
        Assert.Equal(AuthFailureReason.Expired, rules.Refuses(Answer(expiresAt: Now.AddMinutes(-1), claims: [("azp", "https://evil.example")]), Now));
    }

    [Fact]
    public void A_refusal_keeps_its_own_reason()
    {
        Assert.Null(IssuerRules.From(Options(parties: [Party])).Refuses(TokenValidationOutcome.Failure(AuthFailureReason.Revoked), Now));
    }

    [Fact]
    public void The_current_rules_stay_one_instance_until_the_options_change_even_in_place()
    {
        var options = new StaticOptionsMonitor<AuthCacheOptions>(Options());
        using var current = new CurrentIssuerRules(options);
        var before = current.Current;
        Assert.Same(before, current.Current);
        Assert.Null(before.Refuses(Answer(claims: [("azp", "https://evil.example")]), Now));

        options.CurrentValue.Issuers[0].AuthorizedParties.Add(Party);
        options.Change();

        Assert.NotSame(before, current.Current);
        Assert.Equal(AuthFailureReason.InvalidAuthorizedParty, current.Current.Refuses(Answer(claims: [("azp", "https://evil.example")]), Now));
    }

    [Fact]
    public void An_answer_living_longer_than_the_issuers_MaxTokenLifetime_is_refused_as_the_precheck_refuses_its_token()
    {
        var options = Options();
        options.Issuers[0].MaxTokenLifetime = TimeSpan.FromMinutes(5);
        var rules = IssuerRules.From(options);
        var issuedAt = Now.AddMinutes(-1);

        Assert.Equal(AuthFailureReason.LifetimeTooLong, rules.Refuses(Answer(claims: [("iat", Seconds(issuedAt)), ("exp", Seconds(issuedAt.AddMinutes(5).AddSeconds(1)))]), Now));
        Assert.Null(rules.Refuses(Answer(claims: [("iat", Seconds(issuedAt)), ("exp", Seconds(issuedAt.AddMinutes(5)))]), Now));

        // Without iat, the lifetime left is what can be measured.
        Assert.Equal(AuthFailureReason.LifetimeTooLong, rules.Refuses(Answer(claims: [("exp", Seconds(Now.AddMinutes(6)))]), Now));
        Assert.Null(rules.Refuses(Answer(claims: [("exp", Seconds(Now.AddMinutes(4)))]), Now));
    }

    [Fact]
    public void A_pending_Clerk_session_validated_by_a_silo_that_accepts_them_is_refused_by_a_host_that_does_not()
    {
        var pending = new TokenValidationOutcome(
            true,
            null,
            Issuer,
            "user_1",
            [
                new TokenClaim("sub", "user_1", ClaimValueTypes.String),
                new TokenClaim("v", "2", ClaimValueTypes.Integer),
                new TokenClaim("sts", "pending", ClaimValueTypes.String),
            ],
            Now.AddMinutes(10),
            Now.AddMinutes(5),
            null,
            true);

        Assert.Equal(AuthFailureReason.SessionPending, IssuerRules.From(Options()).Refuses(pending, Now));

        var accepting = Options();
        accepting.Clerk.AcceptPendingSessions = true;
        Assert.Null(IssuerRules.From(accepting).Refuses(pending, Now));

        // Another issuer's sts claim, without Clerk's version 2, means whatever that issuer means by it.
        Assert.Null(IssuerRules.From(Options()).Refuses(Answer(claims: [("sts", "pending")]), Now));
    }
}
