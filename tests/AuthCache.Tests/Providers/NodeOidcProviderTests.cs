using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Providers;

/// <summary>
/// AuthCache against a real <c>oidc-provider</c> (Node.js): its keys are at <c>{issuer}/jwks</c>, its JWT access
/// tokens come from its real token endpoint (client credentials, resource indicators).
/// </summary>
public sealed class NodeOidcProviderTests : OidcProviderConformanceTests<NodeOidcProvider>
{
    protected override string Audience => NodeOidcProvider.Audience;

    protected override string JwksPath => "/jwks";

    protected override Task<NodeOidcProvider> StartProviderAsync(IReadOnlyList<RsaSecurityKey> signingKeys, int? port = null) =>
        NodeOidcProvider.StartAsync(signingKeys, port);

    protected override (string Type, string Value) ExpectedClaim(NodeOidcProvider provider) => ("aud", NodeOidcProvider.Audience);
}
