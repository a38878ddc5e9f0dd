namespace AuthCache.Core.Options;

/// <summary>One trusted token issuer (for Clerk: <c>https://{your-domain}</c>).</summary>
public sealed class IssuerOptions
{
    /// <summary>The exact <c>iss</c> value of the issuer's tokens.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>
    /// Where the signing keys are published. Left empty, the <c>jwks_uri</c> of the issuer's OpenID Connect discovery
    /// document (<c>{Issuer}/.well-known/openid-configuration</c>), whose <c>issuer</c> must equal
    /// <see cref="Issuer"/>.
    /// </summary>
    public string? JwksUri { get; set; }

    /// <summary>When not empty, a token's <c>aud</c> must contain one of these.</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>
    /// When not empty, a token's <c>azp</c> (Clerk: the origin that requested it) must be one of these.
    /// </summary>
    public List<string> AuthorizedParties { get; set; } = [];

    /// <summary>
    /// When not empty, the only algorithms its tokens may use (of RS256, RS384, RS512, PS256, PS384, PS512, ES256,
    /// ES384, ES512). When empty, the algorithms of its published keys: a key's <c>alg</c>, else RS256 for an RSA key
    /// and the ES algorithm of its curve for an EC key. <c>none</c> and HMAC are refused at start.
    /// </summary>
    public List<string> Algorithms { get; set; } = [];

    /// <summary>Refuse plain-HTTP issuers and key endpoints. Only a local development issuer turns this off.</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>
    /// The longest a token of this issuer may live (<c>exp</c> − <c>iat</c>, or <c>exp</c> − now without <c>iat</c>);
    /// a longer-lived token is refused with <c>lifetime_too_long</c>. A revocation of this issuer's sessions and
    /// subjects is kept for this long plus the clock skew, since no token it could match lives longer. Left empty:
    /// 60 seconds for a Clerk instance (the one the Clerk environment variables name, or
    /// a <c>*.clerk.accounts.dev</c> development instance), one hour for any other issuer.
    /// </summary>
    public TimeSpan? MaxTokenLifetime { get; set; }

    /// <summary>Clerk's session tokens live 60 seconds.</summary>
    internal static readonly TimeSpan ClerkSessionTokenLifetime = TimeSpan.FromSeconds(60);

    internal static readonly TimeSpan DefaultMaxTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>The configured <see cref="MaxTokenLifetime"/>, or the default of the issuer's kind.</summary>
    internal TimeSpan ResolveMaxTokenLifetime() =>
        MaxTokenLifetime ?? (IsClerkDevelopmentInstance(Issuer) ? ClerkSessionTokenLifetime : DefaultMaxTokenLifetime);

    // Clerk's development instances are served under this domain only; a production instance has its own domain, so
    // it is recognised from the Clerk environment variables (ClerkEnvironmentOptionsSetup) or configured.
    private static bool IsClerkDevelopmentInstance(string issuer) =>
        Uri.TryCreate(issuer, UriKind.Absolute, out var uri)
        && uri.Host.EndsWith(".clerk.accounts.dev", StringComparison.OrdinalIgnoreCase);

    /// <summary>The configured <see cref="JwksUri"/>, or null when the keys' address is to be discovered.</summary>
    internal Uri? ConfiguredJwksUri() => string.IsNullOrWhiteSpace(JwksUri) ? null : new Uri(JwksUri);

    /// <summary>
    /// Where the discovery document is: the issuer with any terminating slash removed, then
    /// <c>/.well-known/openid-configuration</c> (OpenID Connect Discovery 1.0 §4), so <c>https://tenant.auth0.com/</c>
    /// reads <c>https://tenant.auth0.com/.well-known/openid-configuration</c>.
    /// </summary>
    internal Uri DiscoveryUri() => new(Issuer.TrimEnd('/') + "/.well-known/openid-configuration");
}
