using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AuthCache.AspNetCore.Admin;

/// <summary>
/// Authenticates the admin key against <c>AuthCache:Admin:ApiKey</c> in constant time, from the
/// <c>X-Admin-Key</c> header or, so a browser can open the dashboard, from HTTP Basic credentials whose
/// password is the key (the user name is not checked). Its challenge asks for Basic credentials.
/// </summary>
public sealed class AdminKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    IOptionsMonitor<AuthCacheAdminOptions> adminOptions,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string AdminKeyClaimType = "authcache:admin_key";

    /// <summary>The name of the caller authenticated by the admin key, as the audit log records it.</summary>
    public const string AdminKeyActor = "admin-key";

    public const string BasicRealm = "AuthCache";

    private const string BasicPrefix = "Basic ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? provided;
        if (Request.Headers.TryGetValue(AuthCacheDefaults.AdminKeyHeader, out var header) && header.Count > 0)
        {
            if (header.Count != 1)
            {
                return Task.FromResult(AuthenticateResult.Fail("invalid_admin_key"));
            }

            provided = header[0];
        }
        else if (BasicPassword(Request) is { } basic)
        {
            if (!basic.Valid)
            {
                return Task.FromResult(AuthenticateResult.Fail("invalid_basic_credentials"));
            }

            provided = basic.Password;
        }
        else
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!Matches(provided, adminOptions.CurrentValue.ApiKey))
        {
            return Task.FromResult(AuthenticateResult.Fail("invalid_admin_key"));
        }

        var identity = new ClaimsIdentity([new Claim(AdminKeyClaimType, "true"), new Claim(ClaimTypes.Name, AdminKeyActor)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm=\"{BasicRealm}\", charset=\"UTF-8\"");
        return Task.CompletedTask;
    }

    /// <summary>The password of an <c>Authorization: Basic</c> header; null when the header is absent or of another scheme.</summary>
    private static (bool Valid, string? Password)? BasicPassword(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count != 1 || authorization[0] is not { } value || !value.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value[BasicPrefix.Length..].Trim()));
            var separator = decoded.IndexOf(':', StringComparison.Ordinal);
            return separator < 0 ? (false, null) : (true, decoded[(separator + 1)..]);
        }
        catch (FormatException)
        {
            return (false, null);
        }
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
