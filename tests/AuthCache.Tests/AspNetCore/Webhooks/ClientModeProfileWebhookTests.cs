using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace AuthCache.Tests.AspNetCore.Webhooks;

/// <summary>
/// A Clerk <c>user.updated</c> webhook received by one API host that is an Orleans client of a one-silo cluster, seen
/// from a second such host whose near cache holds the user's answer: by the time the webhook is answered, the second
/// host has dropped that copy, so its next answer carries the fresh profile; another user's copy stays.
/// </summary>
public sealed class ClientModeProfileWebhookTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly string _webhookSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private TestIssuer _issuer = null!;
    private InProcessTestCluster _cluster = null!;
    private ApiHostInstance _receiving = null!;
    private ApiHostInstance _other = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        var settings = _issuer.Settings();
        _cluster = await OneSiloCluster.DeployAsync(settings);

        settings["AuthCache:Webhooks:ClerkSigningSecret"] = _webhookSecret;
        _receiving = await ApiHostInstance.StartClientOfAsync(_cluster, settings);
        _other = await ApiHostInstance.StartClientOfAsync(_cluster, settings);
    }

    public async Task DisposeAsync()
    {
        await _other.DisposeAsync();
        await _receiving.DisposeAsync();
        await _cluster.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_profile_webhook_through_one_client_host_drops_the_users_near_cached_answers_on_another()
    {
        var renamed = "user_" + Guid.NewGuid().ToString("N");
        var bystander = "user_" + Guid.NewGuid().ToString("N");
        var renamedToken = _issuer.CreateToken(renamed);
        var bystanderToken = _issuer.CreateToken(bystander);
        await NearCachedAsync(_other, renamedToken);
        await NearCachedAsync(_other, bystanderToken);
        _issuer.SetFirstName(renamed, "Renamed");
        Assert.Equal("Test", (await MeAsync(_other, renamedToken)).GetProperty("profile").GetProperty("firstName").GetString());

        var delivered = await _receiving.Http.SendAsync(new SvixTestSigner(_webhookSecret, new FakeTimeProvider(DateTimeOffset.UtcNow)).Delivery(SvixTestSigner.Event("user.updated", renamed)));
        var eviction = (await delivered.JsonAsync()).GetProperty("eviction");
        var after = await MeAsync(_other, renamedToken);

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal(2, eviction.GetProperty("hosts").GetInt32());
        Assert.Empty(eviction.GetProperty("unconfirmedHosts").EnumerateArray());
        Assert.Equal("Renamed", after.GetProperty("profile").GetProperty("firstName").GetString());
        Assert.Equal("Cluster", after.GetProperty("source").GetString());
        Assert.Equal("NearCache", (await MeAsync(_other, bystanderToken)).GetProperty("source").GetString());
    }

    private static async Task<JsonElement> MeAsync(ApiHostInstance host, string token)
    {
        var response = await host.Http.GetAsync("/api/v1/me", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static async Task NearCachedAsync(ApiHostInstance host, string token) =>
        await Poll.UntilAsync(async () => (await MeAsync(host, token)).GetProperty("source").GetString() == "NearCache", Patience, "the grain's answer copied into the near cache");
}
