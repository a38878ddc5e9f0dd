using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class JwksGrainTests(ClusterFixture fixture)
{
    private IJwksGrain Grain => fixture.Grains.GetGrain<IJwksGrain>(fixture.Issuer.Issuer);

    [Fact]
    public async Task Many_concurrent_callers_share_one_fetch_and_expired_keys_are_served_while_refreshing()
    {
        await Grain.ForceRefreshAsync();
        await fixture.SettleAsync();
        var before = fixture.Issuer.JwksFetches;

        var snapshots = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Grain.GetKeysAsync()));
        Assert.Equal(0, fixture.Issuer.JwksFetches - before);
        Assert.All(snapshots, s => Assert.Contains(s.Keys, k => k.Kid == "rsa-1"));

        fixture.Time.Advance(TimeSpan.FromHours(2));
        var whileRefreshing = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Grain.GetKeysAsync()));
        await fixture.SettleAsync();
        var refreshed = await Grain.GetKeysAsync();

        Assert.All(whileRefreshing, s => Assert.True(s.HasKeys));
        Assert.Equal(1, fixture.Issuer.JwksFetches - before);
        Assert.Contains(refreshed.Keys, k => k.Kid == "ec-1");
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromHours(2), refreshed.ExpiresAt);
        Assert.False(refreshed.IsStale);
    }

    [Theory]
    [InlineData(JwksMode.ServerError)]
    [InlineData(JwksMode.Garbage)]
    [InlineData(JwksMode.EmptyKeySet)]
    [InlineData(JwksMode.Oversized)]
    [InlineData(JwksMode.Slow)]
    public async Task A_failed_refresh_keeps_the_last_known_good_keys(JwksMode failure)
    {
        var good = (await Grain.ForceRefreshAsync()).Keys;
        Assert.True(good.HasKeys);
        fixture.Issuer.Mode = failure;
        try
        {
            fixture.Time.Advance(TimeSpan.FromHours(2));
            var afterFailure = (await Grain.ForceRefreshAsync()).Keys;

            Assert.Equal(good.Keys.Select(k => k.Kid), afterFailure.Keys.Select(k => k.Kid));
            Assert.True(afterFailure.IsStale);
            Assert.NotNull(afterFailure.LastError);
            var status = await Grain.GetStatusAsync();
            Assert.True(status.FetchFailures > 0);
        }
        finally
        {
            fixture.Issuer.Mode = JwksMode.Normal;
        }

        var recovered = (await Grain.ForceRefreshAsync()).Keys;
        Assert.False(recovered.IsStale);
    }
}
