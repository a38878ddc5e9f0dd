using AuthCache.AspNetCore.Caching;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using static AuthCache.Tests.Security.HostRulesSetup;

namespace AuthCache.Tests.Security;

/// <summary>
/// An API host that is an Orleans client (<c>Orleans:Mode=External</c>) of a 2-silo cluster whose options trust more
/// than the host's: every answer the host gives follows its own rules, with its direct scheme's reason codes; and
/// silos whose own rules tighten while they run drop what they cached that the new rules refuse.
/// </summary>
public sealed class ClientModeHostRulesTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;
    private InProcessTestCluster _cluster = null!;
    private ApiHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureHost(host => host.Configuration.AddInMemoryCollection(SiloSettings(_issuer)));
        builder.ConfigureSilo((_, silo) => silo.AddAuthCacheLocalPersistence().AddAuthCacheGrains());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _host = await ApiHostInstance.StartClientOfAsync(_cluster, HostSettings(_issuer));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _cluster.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_token_for_another_authorized_party_that_the_silos_cache_as_valid_is_refused_with_invalid_azp_every_time()
    {
        var token = ForeignPartyToken(_issuer);
        var cachedBefore = SiloEntries();
        var refusedBefore = RefusedByRules(_host);

        await AssertRefusedAsDirectlyAsync(_host, token, AuthFailureReason.InvalidAuthorizedParty);

        // The gap as it was: the silos found the token valid and cached it; the host refused each of their answers.
        Assert.Equal(cachedBefore + 1, SiloEntries());
        Assert.Equal(refusedBefore + ClusterAnswersPerCheck, RefusedByRules(_host));
    }

    [Fact]
    public async Task A_token_for_another_audience_that_the_silos_cache_as_valid_is_refused_with_invalid_audience_every_time()
    {
        var cachedBefore = SiloEntries();

        await AssertRefusedAsDirectlyAsync(_host, ForeignAudienceToken(_issuer), AuthFailureReason.InvalidAudience);
        await AssertRefusedAsDirectlyAsync(_host, _issuer.CreateToken(Subject("no_aud"), issuer: AudienceIssuer(_issuer)), AuthFailureReason.InvalidAudience);

        Assert.Equal(cachedBefore + 2, SiloEntries());
    }

    [Fact]
    public async Task Tokens_the_hosts_rules_accept_are_answered_by_the_grain_then_the_near_cache()
    {
        await AssertAcceptedAsync(_host, _issuer.CreateToken(Subject("party"), azp: Party));
        await AssertAcceptedAsync(_host, _issuer.CreateToken(Subject("no_party")));
        await AssertAcceptedAsync(_host, _issuer.CreateToken(Subject("audience"), issuer: AudienceIssuer(_issuer), audience: Audience));
    }

    [Fact]
    public async Task A_refused_answer_is_what_the_request_cache_gives_the_rest_of_the_request()
    {
        var token = ForeignPartyToken(_issuer);
        await using var scope = _host.App.Services.CreateAsyncScope();
        var resolver = scope.ServiceProvider.GetRequiredService<AuthCacheTokenResolver>();

        var first = await resolver.ResolveAsync(token);
        var again = await resolver.ResolveAsync(token);

        Assert.Equal((false, AuthFailureReason.InvalidAuthorizedParty, TokenResolutionSource.Cluster), (first.Outcome.IsValid, first.Outcome.FailureReason, first.Source));
        Assert.Same(first, again);
        Assert.Equal((2, 1, 1), (resolver.RequestCache.Lookups, resolver.RequestCache.Hits, resolver.RequestCache.Resolutions));
    }

    [Fact]
    public async Task A_grain_answer_the_host_refuses_is_never_copied_into_its_near_cache()
    {
        // The near cache answers (its revocation copy is in sync), so a copy of the refused answer would be found.
        await AssertAcceptedAsync(_host, _issuer.CreateToken(Subject("warm"), azp: Party));
        var token = ForeignPartyToken(_issuer);
        var nearCache = _host.App.Services.GetRequiredService<TokenNearCache>();
        var metrics = _host.App.Services.GetRequiredService<AuthCacheMetrics>();
        var nearHitsBefore = metrics.Snapshot().NearCacheHits;

        for (var i = 0; i < 3; i++)
        {
            await using var scope = _host.App.Services.CreateAsyncScope();
            var resolution = await scope.ServiceProvider.GetRequiredService<AuthCacheTokenResolver>().ResolveAsync(token);
            Assert.Equal((AuthFailureReason.InvalidAuthorizedParty, TokenResolutionSource.Cluster), (resolution.Outcome.FailureReason, resolution.Source));
        }

        Assert.Equal(nearHitsBefore, metrics.Snapshot().NearCacheHits);
        Assert.False(nearCache.TryGet(TokenHash.Compute(token), out _, out _));
    }

    [Fact]
    public async Task Silos_whose_rules_tighten_drop_the_validations_they_cached_that_the_new_rules_refuse()
    {
        var foreign = ForeignPartyToken(_issuer);
        var own = _issuer.CreateToken(Subject("own"), azp: Party);
        var before = SiloEntries();
        foreach (var token in new[] { foreign, own })
        {
            Assert.True((await Grain(token).ValidateAsync(token)).IsValid);
        }

        Assert.Equal(before + 2, SiloEntries());
        foreach (var silo in _cluster.Silos)
        {
            var configuration = (IConfigurationRoot)silo.ServiceProvider.GetRequiredService<IConfiguration>();
            configuration["AuthCache:Issuers:0:AuthorizedParties:0"] = Party;
            configuration.Reload();
        }

        await Poll.UntilAsync(() => Task.FromResult(SiloEntries() == before + 1), Patience, "the refused validation dropped from its silo");
        Assert.Equal(AuthFailureReason.InvalidAuthorizedParty, (await Grain(foreign).ValidateAsync(foreign)).FailureReason);
        Assert.True((await Grain(own).ValidateAsync(own)).FromCache);
    }

    private ITokenValidationGrain Grain(string token) => _cluster.Client.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token));

    private long SiloEntries() => _cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<AuthCacheMetrics>().ActiveEntries);
}
