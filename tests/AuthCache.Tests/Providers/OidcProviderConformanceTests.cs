using System.Net;
using AuthCache.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Providers;

/// <summary>
/// What every real provider must get from AuthCache configured by its issuer alone: discovery finds its keys where a
/// guess from the issuer would not look, plain JwtBearer against the same server answers its tokens alike, and a
/// rotation of its signing keys is followed with no failed request. Each provider's class says how to start it.
/// </summary>
public abstract class OidcProviderConformanceTests<TProvider> : IAsyncLifetime
    where TProvider : IOidcTestProvider
{
    private readonly List<IAsyncDisposable> _started = [];

    /// <summary>The audience the provider's tokens carry for the API.</summary>
    protected abstract string Audience { get; }

    /// <summary>Where its discovery document puts the keys, relative to its issuer.</summary>
    protected abstract string JwksPath { get; }

    protected abstract Task<TProvider> StartProviderAsync(IReadOnlyList<RsaSecurityKey> signingKeys, int? port = null);

    /// <summary>A claim a valid token of this provider brings to the API.</summary>
    protected abstract (string Type, string Value) ExpectedClaim(TProvider provider);

    /// <summary>The token a case names; a provider with more cases than the common ones answers them here.</summary>
    protected virtual async Task<string?> TokenForAsync(TProvider provider, string @case) => @case switch
    {
        "valid" => await provider.RequestTokenAsync(),
        "tampered-signature" => ProviderApi.Tamper(await provider.RequestTokenAsync()),
        "no-token" => null,
        "not-a-jwt" => "not.a.jwt",
        _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, "No token for this case."),
    };

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
    public Task Plain_JwtBearer_and_AuthCache_configured_by_the_issuer_alone_answer_its_tokens_alike(string @case) =>
        AssertAnsweredAlikeAsync(@case);

    /// <summary>Plain JwtBearer and AuthCache against the same provider give the case's token the same answer.</summary>
    protected async Task AssertAnsweredAlikeAsync(string @case)
    {
        var provider = await Start(StartProviderAsync([TestIssuer.CreateRsaKey("conformance-1")]));
        var plain = await Start(ProviderApi.StartAsync(provider.Issuer, Audience, useAuthCache: false));
        var cached = await Start(ProviderApi.StartAsync(provider.Issuer, Audience, useAuthCache: true));

        // As a readiness probe would: the cluster holds the provider's keys before requests are compared.
        await cached.WhenKeysHeldAsync(provider.Issuer);
        var token = await TokenForAsync(provider, @case);

        var expected = await plain.SendAsync(token);
        var actual = await cached.SendAsync(token);

        Assert.Equal(@case == "valid" ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, expected.Status);
        Assert.True(expected.Status == actual.Status, string.Join("\n", ProviderApi.Logs.Lines.Where(l => l.StartsWith("Warning") || l.StartsWith("Error"))));
        Assert.Equal(expected.Claims, actual.Claims);
        Assert.Equal(ProviderApi.ChallengeError(expected.Challenge), ProviderApi.ChallengeError(actual.Challenge));
        if (@case == "valid")
        {
            Assert.Contains(ExpectedClaim(provider), actual.Claims);
            Assert.Contains(("iss", provider.Issuer), actual.Claims);

            // Where a guess from the issuer would not look: only discovery finds these keys.
            Assert.Equal(provider.Issuer + JwksPath, await provider.JwksUriAsync());
        }
    }

    [Fact]
    public async Task A_rotation_of_its_signing_keys_is_followed_with_no_failed_request_and_the_removed_key_is_refused()
    {
        var first = TestIssuer.CreateRsaKey("rotation-first");
        var second = TestIssuer.CreateRsaKey("rotation-second");
        var provider = await Start(StartProviderAsync([first]));
        var port = provider.Port;
        var issuer = provider.Issuer;
        var api = await Start(ProviderApi.StartAsync(issuer, Audience, useAuthCache: true));
        await api.WhenKeysHeldAsync(issuer);
        var old = await provider.RequestTokenAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(old)).Status);

        // The new key is published beside the old one and signs from now on.
        await provider.DisposeAsync();
        provider = await Start(StartProviderAsync([second, first], port));
        var rotated = await provider.RequestTokenAsync();
        Assert.Equal("rotation-second", new JsonWebToken(rotated).Kid);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(rotated)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(old)).Status);

        // The old key is removed; until the keys are next refreshed every request still passes, and the refresh retires it.
        await provider.DisposeAsync();
        provider = await Start(StartProviderAsync([second], port));
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(rotated)).Status);
        var refresh = await api.Keys(issuer).ForceRefreshAsync();

        Assert.Null(refresh.Keys.LastError);
        Assert.Equal(["rotation-first"], refresh.RetiredKeyIds);
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
