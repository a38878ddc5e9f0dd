using System.Net;
using AuthCache.Core.Diagnostics;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using static AuthCache.Tests.Security.HostRulesSetup;

namespace AuthCache.Tests.Security;

/// <summary>
/// An API host with its embedded silo, whose issuer rules tighten while it runs (its configuration reloaded, as a
/// changed settings file or secret would): the validations cached in its silo and the copies in its near cache that
/// the new rules refuse go, the others stay.
/// </summary>
public sealed class SiloRulesChangeTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;
    private ApiHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _host = await ApiHostInstance.StartAsync("Production", SiloSettings(_issuer));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task Tightened_rules_drop_the_cached_answers_they_refuse_and_keep_the_others()
    {
        var foreignParty = ForeignPartyToken(_issuer);
        var foreignAudience = ForeignAudienceToken(_issuer);
        var accepted = _issuer.CreateToken(Subject("party"), azp: Party);
        foreach (var token in new[] { foreignParty, foreignAudience, accepted })
        {
            await AssertAcceptedAsync(_host, token);
        }

        var metrics = _host.App.Services.GetRequiredService<AuthCacheMetrics>();
        Assert.Equal(3, metrics.ActiveEntries);

        var configuration = (IConfigurationRoot)_host.App.Configuration;
        configuration["AuthCache:Issuers:0:AuthorizedParties:0"] = Party;
        configuration["AuthCache:Issuers:1:Audiences:0"] = Audience;
        configuration.Reload();

        // Dropped from the silo as the options change, not at their next request or their expiry.
        await Poll.UntilAsync(() => Task.FromResult(metrics.ActiveEntries == 1), Patience, "the two refused validations dropped from the silo");
        Assert.Equal(AuthFailureReason.InvalidAuthorizedParty, (await _host.Http.GetAsync("/api/v1/me", foreignParty)).ErrorDescription());
        Assert.Equal(AuthFailureReason.InvalidAudience, (await _host.Http.GetAsync("/api/v1/me", foreignAudience)).ErrorDescription());

        // The near cache was emptied with the old options; the grain kept the validation the new rules accept.
        var kept = await _host.Http.GetAsync("/api/v1/me", accepted);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var body = await kept.JsonAsync();
        Assert.Equal(("Cluster", true), (body.GetProperty("source").GetString(), body.GetProperty("fromCache").GetBoolean()));
    }
}
