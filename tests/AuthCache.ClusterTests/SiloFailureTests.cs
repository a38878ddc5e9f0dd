using System.Net;
using AuthCache.ClusterTests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary>A silo dies without warning while requests keep arriving.</summary>
public sealed class SiloFailureTests
{
    [Fact]
    public async Task Killing_a_silo_during_a_stream_of_requests_fails_no_valid_request_and_its_grains_move_to_the_survivor()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 2, apiHosts: 2, new Dictionary<string, string> { ["AuthCache__NearCache__Enabled"] = "false" });
        var tokens = Enumerable.Range(0, 24).Select(i => cluster.Issuer.CreateToken($"user_stream_{i}")).ToList();
        foreach (var token in tokens)
        {
            Assert.Equal("Cluster", (await MeResponse.GetAsync(cluster.ApiHosts[0], token)).Source);
        }

        // The victim is the silo holding the first token's cached validation.
        var victimPort = await cluster.SiloPortHoldingAsync(tokens[0]);
        var victim = cluster.Silos.Single(s => cluster.SiloPortOf(s) == victimPort);
        var survivorPort = cluster.SiloPortOf(cluster.Silos.Single(s => s != victim));

        await using var stream = new RequestStream(cluster.ApiHosts, tokens);
        await Eventually.UntilAsync(() => Task.FromResult(stream.Answers.Count >= 50), TimeSpan.FromSeconds(30), "requests flowing before the kill");
        await victim.KillAsync();
        var killedAt = DateTime.UtcNow;

        await Eventually.UntilAsync(
            Eventually.Probe(async () => (await cluster.MembershipAsync()).Single(r => r.SiloPort == victimPort).Status == "Dead"),
            TimeSpan.FromSeconds(90), "the killed silo declared dead in the membership table", cluster.Describe);
        await Eventually.UntilAsync(
            () => Task.FromResult(stream.Answers.Any(a => a.Sent > DateTime.UtcNow.AddSeconds(-1) && a.Token == tokens[0] && a.Answer.Source == "Cluster")),
            TimeSpan.FromSeconds(60), "the first token answered by the cluster again", cluster.Describe);
        await stream.StopAsync();

        var answers = stream.Answers.OrderBy(a => a.Sent).ToList();
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Answer.Status));
        Assert.Contains(answers, a => a.Sent > killedAt);

        // The token's cached validation was lost with its silo: the cluster validated it again, on the survivor.
        var firstClusterAnswerAfterKill = answers.First(a => a.Sent > killedAt && a.Token == tokens[0] && a.Answer.Source == "Cluster");
        Assert.False(firstClusterAnswerAfterKill.Answer.FromCache);
        Assert.Equal(survivorPort, await cluster.SiloPortHoldingAsync(tokens[0]));
    }

    [Fact]
    public async Task Killing_a_silo_during_a_burst_answers_every_request_200_within_the_hedge_delay_plus_a_validation()
    {
        var fallbackAfter = TimeSpan.FromMilliseconds(250);
        await using var cluster = await LocalCluster.StartAsync(silos: 2, apiHosts: 2, new Dictionary<string, string>
        {
            ["AuthCache__FallbackAfter"] = fallbackAfter.ToString("c"),
            ["AuthCache__GrainCallTimeout"] = "00:00:05",

            // Every request asks its grain, so the requests in flight to the killed silo are many.
            ["AuthCache__NearCache__Enabled"] = "false",
        });
        var tokens = Enumerable.Range(0, 32).Select(i => cluster.Issuer.CreateToken($"user_burst_{i}")).ToList();
        foreach (var token in tokens)
        {
            Assert.Equal(HttpStatusCode.OK, (await MeResponse.GetAsync(cluster.ApiHosts[0], token)).Status);
        }

        var victimPort = await cluster.SiloPortHoldingAsync(tokens[0]);
        var victim = cluster.Silos.Single(s => cluster.SiloPortOf(s) == victimPort);
        await using var stream = new RequestStream(cluster.ApiHosts, tokens, callers: 8);
        await Eventually.UntilAsync(() => Task.FromResult(stream.Answers.Count >= 200), TimeSpan.FromSeconds(30), "requests flowing before the kill");
        await victim.KillAsync();
        var killedAt = DateTime.UtcNow;
        await Eventually.UntilAsync(
            () => Task.FromResult(stream.Answers.Count(a => a.Sent > killedAt.AddSeconds(3)) >= 200),
            TimeSpan.FromSeconds(60), "requests flowing well after the kill", cluster.Describe);
        await stream.StopAsync();

        var answers = stream.Answers.Where(a => a.Sent > killedAt.AddSeconds(-1)).ToList();
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Answer.Status));

        // The tokens whose grains were on the killed silo were answered by the hosts themselves, without waiting
        // for the grain call to time out.
        Assert.Contains(answers, a => a.Answer.Source is "Hedged" or "Fallback");
        var slowest = answers.MaxBy(a => a.Took)!;
        Assert.True(slowest.Took < fallbackAfter + TimeSpan.FromMilliseconds(750), $"The slowest answer after the kill took {slowest.Took.TotalMilliseconds:F0} ms ({slowest.Answer}).");
    }
}
