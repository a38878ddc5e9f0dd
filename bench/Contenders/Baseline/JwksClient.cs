using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Bench.Contenders.Baseline;

/// <summary>Reads the issuer's key set from <c>{Issuer}/.well-known/jwks.json</c>, every time it is asked.</summary>
public sealed class JwksClient(HttpClient http, IOptions<ContenderOptions> options)
{
    public async Task<JsonWebKeySet> GetAsync(CancellationToken cancellationToken)
    {
        var json = await http.GetStringAsync(options.Value.Issuer.TrimEnd('/') + "/.well-known/jwks.json", cancellationToken);
        return new JsonWebKeySet(json);
    }
}
