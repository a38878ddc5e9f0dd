using AuthCache.Core.Diagnostics;
using AuthCache.Core.Revocation;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Grains.Revocation;
using AuthCache.Tests.Infrastructure;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace AuthCache.Tests.Grains.Revocation;

/// <summary>
/// Revocations through the loss of silos, their replacement and the loss of the list's storage. Each test runs
/// its own 2-silo cluster, since it changes the cluster's shape.
/// </summary>
public sealed class RevocationFaultTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ClusterFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private InProcessTestCluster Cluster => _fixture.Cluster;

    private IRevocationListGrain List => _fixture.Grains.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private string Token(string subject, string sid) =>
        _fixture.Issuer.CreateToken(subject, sid: sid, now: _fixture.Time.GetUtcNow().UtcDateTime);

    private Task<TokenValidationOutcome> ValidateAsync(string token) =>
        _fixture.Grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token);

    private RevocationCandidate SubjectToken(string subject, DateTimeOffset issuedAt) => new("unrelated-hash", [], subject, issuedAt, _fixture.Issuer.Issuer);

    [Fact]
    public async Task Revocations_survive_a_killed_silo_hosting_the_list_and_reach_its_replacement()
    {
        var subject = NewId("user_");
        var token = Token(subject, NewId("sess_"));
        var revoked = await List.RevokeAsync(RevocationKind.Subject, _fixture.Issuer.Issuer, subject);
        Assert.True(Cluster.TryGetGrainContext(List.GetGrainId(), out var listContext));
        var listSilo = Cluster.Silos.Single(s => s.SiloAddress == listContext.Address.SiloAddress);

        await Cluster.KillSiloAsync(listSilo);
        await Cluster.WaitForLivenessToStabilizeAsync();

        // The list comes back on the surviving silo with the surviving silo's subscription. Its revocations come back
        // with it, from storage, or, where the in-memory storage grain died with the killed silo, from the surviving
        // silo's replica shortly after it resubscribes: the same session is revoked again (idempotent) until both show.
        var sid = NewId("sess_");
        RevocationOutcome next = null!;
        await Poll.UntilAsync(
            async () => (next = await Eventually(() => List.RevokeAsync(RevocationKind.Session, _fixture.Issuer.Issuer, sid))).ActiveRevocations == 2,
            Patience,
            "the revived list holding both revocations");
        Assert.Equal(2, next.ActiveRevocations);
        Assert.Equal(1, next.ConfirmedSilos);
        Assert.Empty(next.UnconfirmedSilos);
        Assert.Equal(AuthFailureReason.Revoked, (await Eventually(() => ValidateAsync(token))).FailureReason);

        var replacement = await Cluster.StartAdditionalSiloAsync();
        var cache = replacement.ServiceProvider.GetRequiredService<RevocationReplica>();
        await cache.Ready.WaitAsync(Patience);
        Assert.True(cache.IsRevoked(SubjectToken(subject, revoked.Record.RevokedAt)));
    }

    [Fact]
    public async Task A_silo_that_joins_later_has_the_whole_list_before_it_validates_a_token()
    {
        var sid = NewId("sess_");
        await List.RevokeAsync(RevocationKind.Session, _fixture.Issuer.Issuer, sid);

        var joined = await Cluster.StartAdditionalSiloAsync();
        var joinedMetrics = joined.ServiceProvider.GetRequiredService<AuthCacheMetrics>();

        // Placement reaches the new silo once the others have seen it join; every token until then and after is
        // refused all the same.
        var placing = System.Diagnostics.Stopwatch.StartNew();
        while (joinedMetrics.Snapshot().Validations == 0)
        {
            Assert.True(placing.Elapsed < Patience, "No token was ever placed on the new silo.");
            var result = await ValidateAsync(Token(NewId("user_"), sid));
            Assert.Equal(AuthFailureReason.Revoked, result.FailureReason);
        }

        Assert.True(joined.ServiceProvider.GetRequiredService<RevocationReplica>().Ready.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_list_that_lost_its_storage_gets_its_revocations_back_from_the_silos()
    {
        var subject = NewId("user_");
        var revoked = await List.RevokeAsync(RevocationKind.Subject, _fixture.Issuer.Issuer, subject);
        var storage = Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(AuthCacheStorage.Name);
        var grainId = List.GetGrainId();
        Assert.Contains(revoked.Record, await StoredRevocationList.ReadAsync(storage, grainId));

        // The storage forgets the list and the activation goes: the next one starts empty, under a new epoch.
        await StoredRevocationList.ClearAsync(storage, grainId);
        await Cluster.DeactivateAsync(List);

        await Eventually(async () =>
        {
            Assert.True((await StoredRevocationList.ReadAsync(storage, grainId)).Contains(revoked.Record), "The silos have not given the revocation back yet.");
            return true;
        });
        var joined = await Cluster.StartAdditionalSiloAsync();
        var cache = joined.ServiceProvider.GetRequiredService<RevocationReplica>();
        await cache.Ready.WaitAsync(Patience);
        Assert.True(cache.IsRevoked(SubjectToken(subject, revoked.Record.RevokedAt)));
    }

    [Fact]
    public async Task A_revocation_refuses_its_tokens_until_its_issuers_max_token_lifetime_and_the_clock_skew_have_passed_then_is_gone_from_the_list_and_every_replica()
    {
        var sid = NewId("sess_");
        var issuedAt = _fixture.Time.GetUtcNow();

        // The longest-lived token the issuer may mint (one hour by default): the last the revocation has to outlive.
        var token = _fixture.Issuer.CreateToken(NewId("user_"), sid: sid, lifetime: TimeSpan.FromHours(1), now: issuedAt.UtcDateTime);
        var revoked = await List.RevokeAsync(RevocationKind.Session, _fixture.Issuer.Issuer, sid);
        var keptUntil = revoked.Record.RevokedAt + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(5);

        _fixture.Time.Advance(keptUntil - issuedAt - TimeSpan.FromSeconds(1));
        await _fixture.SettleAsync();
        Assert.Equal(AuthFailureReason.Revoked, (await ValidateAsync(token)).FailureReason);
        Assert.All(Cluster.Silos, silo => Assert.True(silo.ServiceProvider.GetRequiredService<RevocationReplica>().Contains(revoked.Record)));

        _fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await _fixture.SettleAsync();
        Assert.Equal(AuthFailureReason.Expired, (await ValidateAsync(token)).FailureReason);

        var next = await List.RevokeAsync(RevocationKind.Session, _fixture.Issuer.Issuer, NewId("sess_"));
        Assert.Equal(1, next.ActiveRevocations);
        Assert.All(Cluster.Silos, silo =>
        {
            var replica = silo.ServiceProvider.GetRequiredService<RevocationReplica>();
            Assert.False(replica.Contains(revoked.Record));
            Assert.Equal(1, replica.Count);
        });
    }

    /// <summary>Right after a silo loss a call may still be routed to it; retry until the cluster has settled.</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> action)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
