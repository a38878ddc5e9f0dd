using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Bench.Contenders.Baseline;

/// <summary>Bearer authentication with a fresh key set per request, validated by <see cref="JsonWebTokenHandler"/>.</summary>
public sealed class UncachedBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    JwksClient jwks,
    IOptions<ContenderOptions> clerk)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var keys = await jwks.GetAsync(Context.RequestAborted);
        var result = await Handler.ValidateTokenAsync(header["Bearer ".Length..].Trim(), new TokenValidationParameters
        {
            ValidIssuer = clerk.Value.Issuer,
            ValidateAudience = false,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            IssuerSigningKeys = keys.GetSigningKeys(),
            NameClaimType = "sub",
            ClockSkew = TimeSpan.FromSeconds(5),
        });
        return result.IsValid
            ? AuthenticateResult.Success(new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(result.ClaimsIdentity), Scheme.Name))
            : AuthenticateResult.Fail(result.Exception?.GetType().Name ?? "invalid token");
    }
}
