using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Admin;

/// <summary>Authenticates the <c>X-Admin-Key</c> header against <c>AuthCache:Admin:ApiKey</c> in constant time.</summary>
public sealed class AdminKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    IOptionsMonitor<AuthCacheAdminOptions> adminOptions,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string AdminKeyClaimType = "authcache:admin_key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(AuthCacheDefaults.AdminKeyHeader, out var provided) || provided.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (provided.Count != 1 || !Matches(provided[0], adminOptions.CurrentValue.ApiKey))
        {
            return Task.FromResult(AuthenticateResult.Fail("invalid_admin_key"));
        }

        var identity = new ClaimsIdentity([new Claim(AdminKeyClaimType, "true"), new Claim(ClaimTypes.Name, "admin-key")], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    // Hashing first gives equal lengths, so the comparison time says nothing about the key.
    internal static bool Matches(string? provided, string? expected)
    {
        if (string.IsNullOrEmpty(provided) || string.IsNullOrEmpty(expected))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(provided)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
