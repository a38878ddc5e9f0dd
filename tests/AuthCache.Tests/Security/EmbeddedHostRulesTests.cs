using System.Net;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using static AuthCache.Tests.Security.HostRulesSetup;

namespace AuthCache.Tests.Security;

/// <summary>
/// Two API hosts whose embedded silos form one cluster, each configured for its own application: the first trusts
/// every token of the issuer, the second names its audience and authorized party. A token whose grain lives in the
/// first host's silo is found valid there; the second host answers it as its direct scheme does.
/// </summary>
public sealed class EmbeddedHostRulesTests : IAsyncLifetime
{
    // Orleans places new activations by the silos' load, which a busy machine can tilt towards the strict host's silo
    // for a while: each try mints a token of its own, so more time only means more tries.
    private static readonly TimeSpan PlacementPatience = TimeSpan.FromSeconds(90);

    private TestIssuer _issuer = null!;
    private ApiHostInstance _open = null!;
    private ApiHostInstance _strict = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _open = await ApiHostInstance.StartAsync("Production", SiloSettings(_issuer));
        _strict = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>(HostSettings(_issuer))
        {
            ["Orleans:ClusterId"] = _open.App.Configuration["Orleans:ClusterId"],
            ["Orleans:PrimarySiloPort"] = _open.App.Configuration["Orleans:SiloPort"],
        });
        var hosts = await _open.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);
    }

    public async Task DisposeAsync()
    {
        await _strict.DisposeAsync();
        await _open.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_token_for_another_authorized_party_cached_as_valid_in_the_other_hosts_silo_is_refused_with_invalid_azp()
    {
        var token = await CachedAsValidByTheOpenHostAsync(() => ForeignPartyToken(_issuer));
        var refusedBefore = RefusedByRules(_strict);

        await AssertRefusedAsDirectlyAsync(_strict, token, AuthFailureReason.InvalidAuthorizedParty);

        Assert.Equal(refusedBefore + ClusterAnswersPerCheck, RefusedByRules(_strict));
    }

    [Fact]
    public async Task A_token_for_another_audience_cached_as_valid_in_the_other_hosts_silo_is_refused_with_invalid_audience()
    {
        var token = await CachedAsValidByTheOpenHostAsync(() => ForeignAudienceToken(_issuer));

        await AssertRefusedAsDirectlyAsync(_strict, token, AuthFailureReason.InvalidAudience);
    }

    [Fact]
    public async Task Tokens_the_strict_hosts_rules_accept_are_answered_by_the_cluster_then_its_near_cache()
    {
        await AssertAcceptedAsync(_strict, _issuer.CreateToken(Subject("party"), azp: Party));
        await AssertAcceptedAsync(_strict, _issuer.CreateToken(Subject("audience"), issuer: AudienceIssuer(_issuer), audience: Audience));
    }

    /// <summary>
    /// A fresh token answered 200 by the open host: its grain was placed in the open host's silo (the strict host's
    /// silo refuses it), where it is now cached as valid. Placement is the cluster's, so a few tokens may be needed.
    /// </summary>
    private async Task<string> CachedAsValidByTheOpenHostAsync(Func<string> mint)
    {
        var token = "";
        await Poll.UntilAsync(
            async () => (await _open.Http.GetAsync("/api/v1/me", token = mint())).StatusCode == HttpStatusCode.OK,
            PlacementPatience,
            "a token's grain placed in the open host's silo");
        return token;
    }
}
