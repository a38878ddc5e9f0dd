using System.Net;
using AuthCache.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthCache.Tests.Providers;

/// <summary>
/// AuthCache against a real <c>oidc-provider</c> (Node.js), configured by the server's issuer alone: discovery finds
/// its keys at <c>{issuer}/jwks</c>, its JWT access tokens come from its real token endpoint (client credentials,
/// resource indicators), plain JwtBearer against the same server answers alike, and its key rotation is followed.
/// </summary>
public sealed class NodeOidcProviderTests : IAsyncLifetime
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

    public static TheoryData<string> Cases => ["valid", "tampered-signature", "no-token", "not-a-jwt"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Plain_JwtBearer_and_AuthCache_configured_by_the_issuer_alone_answer_its_tokens_alike(string @case)
    {
        var provider = await Start(NodeOidcProvider.StartAsync([TestIssuer.CreateRsaKey("np-1")]));
        var plain = await Start(ProviderApi.StartAsync(provider.Issuer, NodeOidcProvider.Audience, useAuthCache: false));
        var cached = await Start(ProviderApi.StartAsync(provider.Issuer, NodeOidcProvider.Audience, useAuthCache: true));
        await cached.WhenKeysHeldAsync(provider.Issuer);
        var token = @case switch
        {
            "valid" => await provider.RequestTokenAsync(),
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
            Assert.Contains(("aud", NodeOidcProvider.Audience), actual.Claims);
            Assert.Contains(("iss", provider.Issuer), actual.Claims);

            // Where a guess from the issuer would not look: only discovery finds these keys.
            Assert.Equal(provider.Issuer + "/jwks", await provider.JwksUriAsync());
        }
    }

    [Fact]
    public async Task A_rotation_of_its_signing_keys_is_followed_with_no_failed_request_and_the_removed_key_is_refused()
    {
        var first = TestIssuer.CreateRsaKey("np-first");
        var second = TestIssuer.CreateRsaKey("np-second");
        var provider = await Start(NodeOidcProvider.StartAsync([first]));
        var port = provider.Port;
        var issuer = provider.Issuer;
        var api = await Start(ProviderApi.StartAsync(issuer, NodeOidcProvider.Audience, useAuthCache: true));
        await api.WhenKeysHeldAsync(issuer);
        var old = await provider.RequestTokenAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(old)).Status);

        // The new key is published beside the old one and signs from now on.
        await provider.DisposeAsync();
        provider = await Start(NodeOidcProvider.StartAsync([second, first], port));
        var rotated = await provider.RequestTokenAsync();
        Assert.Equal("np-second", new JsonWebToken(rotated).Kid);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(rotated)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(old)).Status);

        // The old key is removed; until the keys are next refreshed every request still passes, and the refresh retires it.
        await provider.DisposeAsync();
        provider = await Start(NodeOidcProvider.StartAsync([second], port));
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(rotated)).Status);
        var refresh = await api.Keys(issuer).ForceRefreshAsync();

        Assert.Null(refresh.Keys.LastError);
        Assert.Equal(["np-first"], refresh.RetiredKeyIds);
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
