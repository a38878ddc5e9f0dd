using System.Net;
using AuthCache.Core.Diagnostics;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Security;

/// <summary>
/// Two applications sharing a cluster: silos that trust every token of the issuer (no audiences, no authorized
/// parties), and an API host whose own rules name both. What the host answers must be what its direct scheme answers.
/// </summary>
internal static class HostRulesSetup
{
    public const string Party = "https://app.example";
    public const string ForeignParty = "https://evil.example";
    public const string Audience = "api://authcache";
    public const string ForeignAudience = "api://other-application";

    /// <summary>
    /// Answers of the cluster one <see cref="AssertRefusedAsDirectlyAsync"/> makes the host check: the two cached
    /// requests', and the direct route's, whose request the default (cached) scheme authenticates too.
    /// </summary>
    public const int ClusterAnswersPerCheck = 3;

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The second issuer: the same keys under another name, whose tokens the host wants for <see cref="Audience"/>.</summary>
    public static string AudienceIssuer(TestIssuer issuer) => issuer.Issuer + "/aud";

    /// <summary>The silos' settings: both issuers, no audience or authorized-party rules (and the hosts' patience).</summary>
    public static Dictionary<string, string?> SiloSettings(TestIssuer issuer) => new(issuer.Settings())
    {
        ["AuthCache:Issuers:1:Issuer"] = AudienceIssuer(issuer),
        ["AuthCache:Issuers:1:RequireHttps"] = "false",
        ["AuthCache:UserProfiles:Issuer"] = issuer.Issuer,

        // Where an answer came from is asserted: a busy machine must not turn a slow grain call into a hedge.
        ["AuthCache:FallbackAfter"] = "00:00:10",
        ["AuthCache:GrainCallTimeout"] = "00:00:20",
    };

    /// <summary>The host's settings: the silos' and its own rules.</summary>
    public static Dictionary<string, string?> HostSettings(TestIssuer issuer) => new(SiloSettings(issuer))
    {
        ["AuthCache:Issuers:0:AuthorizedParties:0"] = Party,
        ["AuthCache:Issuers:1:Audiences:0"] = Audience,
    };

    public static string ForeignPartyToken(TestIssuer issuer) => issuer.CreateToken(Subject("azp"), azp: ForeignParty);

    public static string ForeignAudienceToken(TestIssuer issuer) =>
        issuer.CreateToken(Subject("aud"), issuer: AudienceIssuer(issuer), audience: ForeignAudience);

    public static string Subject(string what) => $"user_rules_{what}_{Guid.NewGuid():N}";

    public static long RefusedByRules(ApiHostInstance host) => host.App.Services.GetRequiredService<AuthCacheMetrics>().RefusedByIssuerRulesCount;

    /// <summary>
    /// The token asked twice through the cache (the second time its grain answers from its cache, and a near cache
    /// would answer if it held a copy) and once through the direct scheme: refused each time with <paramref name="reason"/>.
    /// </summary>
    public static async Task AssertRefusedAsDirectlyAsync(ApiHostInstance host, string token, string reason)
    {
        foreach (var path in new[] { "/api/v1/me", "/api/v1/me", "/api/v1/direct/me" })
        {
            var response = await host.Http.GetAsync(path, token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(reason, response.ErrorDescription());
        }
    }

    /// <summary>A token the host's rules accept: from its grain, then from the near cache once its replica is in sync.</summary>
    public static async Task AssertAcceptedAsync(ApiHostInstance host, string token)
    {
        var first = await host.Http.GetAsync("/api/v1/me", token);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("Cluster", (await first.JsonAsync()).GetProperty("source").GetString());
        await Poll.UntilAsync(
            async () => (await (await host.Http.GetAsync("/api/v1/me", token)).JsonAsync()).GetProperty("source").GetString() == "NearCache",
            Patience,
            "the accepted token answered from the near cache");
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/v1/direct/me", token)).StatusCode);
    }
}
