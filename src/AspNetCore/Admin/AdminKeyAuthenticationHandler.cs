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
/// password is the key (the user name is not checked). A browser replays Basic credentials on any request to the
/// site, including one another website makes it send, so they count only for a GET or HEAD of an endpoint marked
/// with <see cref="AdminBasicCredentialsMetadata"/> (the dashboard), and only there does the challenge ask for them.
/// </summary>
internal sealed class AdminKeyAuthenticationHandler(
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
            if (!AcceptsBasicCredentials(Context))
            {
                return Task.FromResult(AuthenticateResult.Fail("basic_credentials_not_accepted"));
            }

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

        var identity = new ClaimsIdentity(
            [new Claim(AdminKeyClaimType, "true"), new Claim(ClaimTypes.Name, AdminKeyActor)],
            Scheme.Name);
        return Task.FromResult(
            AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (AcceptsBasicCredentials(Context))
        {
            Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm=\"{BasicRealm}\", charset=\"UTF-8\"");
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Whether <paramref name="user"/> was authenticated by the admin key. The marker claim alone proves nothing: a
    /// token may carry a claim of any name, so only the admin key scheme's own identity counts.
    /// </summary>
    public static bool IsAdminKey(ClaimsPrincipal user)
    {
        foreach (var identity in user.Identities)
        {
            if (string.Equals(identity.AuthenticationType, AuthCacheDefaults.AdminKeyScheme, StringComparison.Ordinal)
                && identity.HasClaim(AdminKeyClaimType, "true"))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AcceptsBasicCredentials(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        && context.GetEndpoint()?.Metadata.GetMetadata<AdminBasicCredentialsMetadata>() is not null;

    /// <summary>
    /// The password of an <c>Authorization: Basic</c> header; null when the header is absent or of another scheme.
    /// </summary>
    private static (bool Valid, string? Password)? BasicPassword(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count != 1
            || authorization[0] is not { } value
            || !value.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
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
