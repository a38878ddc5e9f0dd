using System.Net;
using AuthCache.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthCache.Tests.Providers;

/// <summary>
/// AuthCache against a real OpenIddict server, configured by the server's issuer alone: discovery finds its keys
/// (OpenIddict serves them at <c>/.well-known/jwks</c>, not where a guess would look), its tokens come from its real
/// token endpoint, plain JwtBearer against the same server answers alike, and its key rotation is followed.
/// </summary>
public sealed class OpenIddictProviderTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _started = [];

    public Task InitializeAsync() => Task.CompletedTask;

    // A provider stopped by the test itself is stopped again here, harmlessly: nothing outlives a failed test.
    public async Task DisposeAsync()
    {
        foreach (var started in Enumerable.Reverse(_started))
        {
            await started.DisposeAsync();
        }
    }

    public static TheoryData<string> Cases => ["valid", "other-audience", "tampered-signature", "no-token", "not-a-jwt"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Plain_JwtBearer_and_AuthCache_configured_by_the_issuer_alone_answer_its_tokens_alike(string @case)
    {
        var provider = await Start(OpenIddictProvider.StartAsync([TestIssuer.CreateRsaKey("oi-1")]));
        var plain = await Start(ProviderApi.StartAsync(provider.Issuer, OpenIddictProvider.OrdersAudience, useAuthCache: false));
        var cached = await Start(ProviderApi.StartAsync(provider.Issuer, OpenIddictProvider.OrdersAudience, useAuthCache: true));

        // As a readiness probe would: the cluster holds the provider's keys before requests are compared.
        await cached.WhenKeysHeldAsync(provider.Issuer);
        var token = @case switch
        {
            "valid" => await provider.RequestTokenAsync(),
            "other-audience" => await provider.RequestTokenAsync(OpenIddictProvider.OtherClient),
            "tampered-signature" => ProviderApi.Tamper(await provider.RequestTokenAsync()),
            "no-token" => null,
            _ => "not.a.jwt",
        };

        var expected = await plain.SendAsync(token);
        var actual = await cached.SendAsync(token);

        Assert.Equal(@case == "valid" ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, expected.Status);
        Assert.True(expected.Status == actual.Status, string.Join("\n", ProviderApi.Logs.Lines.Where(l => l.StartsWith("Warning") || l.StartsWith("Error"))));
        Assert.Equal(expected.Claims, actual.Claims);
        Assert.Equal(ProviderApi.ChallengeError(expected.Challenge), ProviderApi.ChallengeError(actual.Challenge));
        if (@case == "valid")
        {
            Assert.Contains(("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", OpenIddictProvider.OrdersClient), actual.Claims);
            Assert.Contains(("iss", provider.Issuer), actual.Claims);

            // Where a guess from the issuer would not look: only discovery finds these keys.
            Assert.Equal(provider.Issuer + ".well-known/jwks", await provider.JwksUriAsync());
        }
    }

    [Fact]
    public async Task A_rotation_of_its_signing_keys_is_followed_with_no_failed_request_and_the_removed_key_is_refused()
    {
        var first = TestIssuer.CreateRsaKey("oi-first");
        var second = TestIssuer.CreateRsaKey("oi-second");
        var provider = await Start(OpenIddictProvider.StartAsync([first]));
        var port = provider.Port;
        var issuer = provider.Issuer;
        var api = await Start(ProviderApi.StartAsync(issuer, OpenIddictProvider.OrdersAudience, useAuthCache: true));
        await api.WhenKeysHeldAsync(issuer);
        var old = await provider.RequestTokenAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(old)).Status);

        // The new key is published beside the old one and signs from now on.
        await provider.DisposeAsync();
        provider = await Start(OpenIddictProvider.StartAsync([second, first], port));
        var rotated = await provider.RequestTokenAsync();
        Assert.Equal("oi-second", new JsonWebToken(rotated).Kid);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(rotated)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(old)).Status);

        // The old key is removed; until the keys are next refreshed every request still passes, and the refresh retires it.
        await provider.DisposeAsync();
        provider = await Start(OpenIddictProvider.StartAsync([second], port));
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(rotated)).Status);
        var refresh = await api.Keys(issuer).ForceRefreshAsync();

        Assert.Null(refresh.Keys.LastError);
        Assert.Equal(["oi-first"], refresh.RetiredKeyIds);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendAsync(old)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(rotated)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(await provider.RequestTokenAsync())).Status);
    }

    private async Task<T> Start<T>(Task<T> starting) where T : IAsyncDisposable
    {
        var started = await starting;
        _started.Add(started);
        return started;
    }
}
