namespace AuthCache.Core.Options;

/// <summary>One trusted token issuer (for Clerk: <c>https://{your-domain}</c>).</summary>
public sealed class IssuerOptions
{
    /// <summary>The exact <c>iss</c> value of the issuer's tokens.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Where the signing keys are published; defaults to <c>{Issuer}/.well-known/jwks.json</c>.</summary>
    public string? JwksUri { get; set; }

    /// <summary>When not empty, a token's <c>aud</c> must contain one of these.</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>When not empty, a token's <c>azp</c> (Clerk: the origin that requested it) must be one of these.</summary>
    public List<string> AuthorizedParties { get; set; } = [];

    /// <summary>
    /// When not empty, the only algorithms its tokens may use (of RS256, RS384, RS512, PS256, PS384, PS512, ES256,
    /// ES384, ES512). When empty, the algorithms of its published keys: a key's <c>alg</c>, else RS256 for an RSA key
    /// and the ES algorithm of its curve for an EC key. <c>none</c> and HMAC are refused at start.
    /// </summary>
    public List<string> Algorithms { get; set; } = [];

    /// <summary>Refuse plain-HTTP issuers and key endpoints. Only a local development issuer turns this off.</summary>
    public bool RequireHttps { get; set; } = true;

    internal Uri ResolveJwksUri() =>
        new(string.IsNullOrWhiteSpace(JwksUri) ? Issuer.TrimEnd('/') + "/.well-known/jwks.json" : JwksUri);
}
