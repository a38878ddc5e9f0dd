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

    /// <summary>Refuse plain-HTTP issuers and key endpoints. Only a local development issuer turns this off.</summary>
    public bool RequireHttps { get; set; } = true;

    internal Uri ResolveJwksUri() =>
        new(string.IsNullOrWhiteSpace(JwksUri) ? Issuer.TrimEnd('/') + "/.well-known/jwks.json" : JwksUri);
}
