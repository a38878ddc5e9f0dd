using AuthCache.Core.Diagnostics;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Orleans.TestingHost;

namespace AuthCache.Tests.Grains;

/// <summary>Silos dying under cached grains, on a cluster of its own (killing silos would disturb the shared one).</summary>
public sealed class GrainFailoverTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IManagementGrain Management => fixture.Grains.GetGrain<IManagementGrain>(0);

    private ITokenValidationGrain GrainFor(string token) =>
        fixture.Grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token));

    [Fact]
    public async Task A_killed_silo_takes_only_its_own_cached_tokens_and_they_are_validated_again_on_the_survivor()
    {
        await EnsureTwoSilosAsync();
        var onSilo = await CacheTokensOnEverySiloAsync();
        var victim = fixture.Cluster.Silos[1];
        var lost = onSilo[victim.SiloAddress];
        var kept = onSilo.Where(p => !p.Key.Equals(victim.SiloAddress)).SelectMany(p => p.Value).ToList();
        var survivorValidations = SurvivorValidations(victim);
        var validationsBefore = survivorValidations();

        await fixture.Cluster.KillSiloAsync(victim);
        await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        foreach (var token in kept)
        {
            var result = await GrainFor(token).ValidateAsync(token);
            Assert.True(result.IsValid);
            Assert.True(result.FromCache);
        }

        foreach (var token in lost)
        {
            var result = await GrainFor(token).ValidateAsync(token);
            Assert.True(result.IsValid);
            Assert.False(result.FromCache);
            var host = await Management.GetActivationAddress(GrainFor(token));
            Assert.NotNull(host);
            Assert.NotEqual(victim.SiloAddress, host);
            Assert.True((await GrainFor(token).ValidateAsync(token)).FromCache);
        }

        // Only the lost entries cost a signature check again.
        Assert.Equal(lost.Count, survivorValidations() - validationsBefore);
    }

    [Fact]
    public async Task A_token_whose_silo_was_killed_mid_cache_is_still_rejected_once_expired()
    {
        await EnsureTwoSilosAsync();
        var token = fixture.Token("user_" + Guid.NewGuid().ToString("N"), lifetime: TimeSpan.FromMinutes(2));
        Assert.True((await GrainFor(token).ValidateAsync(token)).IsValid);
        var host = await Management.GetActivationAddress(GrainFor(token));
        var silo = fixture.Cluster.GetSiloForAddress(host!)!;

        await fixture.Cluster.KillSiloAsync(silo);
        await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
        fixture.Time.Advance(TimeSpan.FromMinutes(3));

        var late = await GrainFor(token).ValidateAsync(token);
        Assert.False(late.IsValid);
        Assert.Equal(AuthFailureReason.Expired, late.FailureReason);
    }

    private Func<long> SurvivorValidations(InProcessSiloHandle victim)
    {
        var survivors = fixture.Cluster.Silos.Where(s => s != victim).Select(s => s.ServiceProvider.GetRequiredService<AuthCacheMetrics>()).ToList();
        return () => survivors.Sum(m => m.Snapshot().Validations);
    }

    private async Task EnsureTwoSilosAsync()
    {
        if (fixture.Cluster.Silos.Count >= 2)
        {
            return;
        }

        await fixture.Cluster.StartAdditionalSiloAsync();
        await fixture.Cluster.WaitForLivenessToStabilizeAsync();
    }

    /// <summary>
    /// Validates fresh tokens through each silo's own grain factory, so placement (which prefers the calling
    /// silo) spreads them, and groups them by the silo that really holds each one.
    /// </summary>
    private async Task<Dictionary<SiloAddress, List<string>>> CacheTokensOnEverySiloAsync()
    {
        var bySilo = fixture.Cluster.Silos.ToDictionary(s => s.SiloAddress, _ => new List<string>());
        foreach (var silo in fixture.Cluster.Silos)
        {
            var grains = silo.ServiceProvider.GetRequiredService<IGrainFactory>();
            for (var i = 0; i < 3; i++)
            {
                var token = fixture.Token("user_" + Guid.NewGuid().ToString("N"), lifetime: TimeSpan.FromHours(1));
                Assert.True((await grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token)).IsValid);
                var host = await Management.GetActivationAddress(GrainFor(token));
                bySilo[host!].Add(token);
            }
        }

        Assert.All(bySilo.Values, Assert.NotEmpty);
        return bySilo;
    }
}
