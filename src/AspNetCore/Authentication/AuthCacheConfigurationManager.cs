using AuthCache.Core.Jwks;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// The configuration of a JwtBearer scheme that uses AuthCache, from the cluster instead of the Authority's metadata
/// document: the scheme's issuers (its <c>Authority</c>, or every issuer of <c>AuthCache:Issuers</c>) and the signing
/// keys this host holds for them (mirrored from the cluster's JwksGrains). Nothing is ever fetched here; a request for
/// a refresh is a no-op, since the cluster refreshes an issuer's keys for a token with an unknown key itself.
/// </summary>
internal sealed class AuthCacheConfigurationManager
    : BaseConfigurationManager,
        IConfigurationManager<OpenIdConnectConfiguration>
{
    private LocalJwksKeySource? _keys;
    private IOptionsMonitor<AuthCacheOptions>? _options;

    /// <summary>
    /// The issuer the scheme's <c>Authority</c> stands for (<see cref="AuthorityIssuer"/>); null: every trusted issuer.
    /// </summary>
    public string? Authority { get; private set; }

    /// <summary>The issuers this scheme trusts.</summary>
    public IReadOnlyList<string> Issuers => Authority is { } authority
        ? [authority]
        : (_options?.CurrentValue.Issuers.Select(i => i.Issuer).ToArray() ?? []);

    public void Bind(LocalJwksKeySource keys, IOptionsMonitor<AuthCacheOptions> options, string? authority)
    {
        _keys = keys;
        _options = options;
        Authority = string.IsNullOrWhiteSpace(authority)
            ? null
            : AuthorityIssuer.Find(options.CurrentValue, authority)?.Issuer ?? authority;
    }

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) =>
        Task.FromResult(Current());

    public override Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) =>
        Task.FromResult<BaseConfiguration>(Current());

    public override void RequestRefresh()
    {
    }

    private OpenIdConnectConfiguration Current()
    {
        var issuers = Issuers;
        var configuration = new OpenIdConnectConfiguration { Issuer = issuers.Count > 0 ? issuers[0] : null };
        if (_keys is { } keys)
        {
            foreach (var issuer in issuers)
            {
                foreach (var key in keys.Held(issuer).Keys)
                {
                    configuration.SigningKeys.Add(SigningKeyCache.ToJsonWebKey(key));
                }
            }
        }

        return configuration;
    }
}
