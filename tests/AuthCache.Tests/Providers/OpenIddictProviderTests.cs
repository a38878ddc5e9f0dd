using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Providers;

/// <summary>
/// AuthCache against a real OpenIddict server: its keys are at <c>/.well-known/jwks</c>, its tokens come from its
/// real token endpoint, and a token it issues to another client (another audience) is refused alike.
/// </summary>
public sealed class OpenIddictProviderTests : OidcProviderConformanceTests<OpenIddictProvider>
{
    protected override string Audience => OpenIddictProvider.OrdersAudience;

    protected override string JwksPath => ".well-known/jwks";

    protected override Task<OpenIddictProvider> StartProviderAsync(IReadOnlyList<RsaSecurityKey> signingKeys, int? port = null) =>
        OpenIddictProvider.StartAsync(signingKeys, port);

    protected override (string Type, string Value) ExpectedClaim(OpenIddictProvider provider) =>
        ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", OpenIddictProvider.OrdersClient);

    [Fact]
    public Task Plain_JwtBearer_and_AuthCache_refuse_alike_a_token_it_issued_to_another_audience() =>
        AssertAnsweredAlikeAsync("other-audience");

    protected override async Task<string?> TokenForAsync(OpenIddictProvider provider, string @case) =>
        @case == "other-audience"
            ? await provider.RequestTokenAsync(OpenIddictProvider.OtherClient)
            : await base.TokenForAsync(provider, @case);
}
