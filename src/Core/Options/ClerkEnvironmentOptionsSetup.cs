using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.Core.Options;

/// <summary>
/// Accepts the Python system's environment variables so a deployment can switch without renaming its secrets:
/// <c>CLERK_SECRET_KEY</c>, <c>NEXT_PUBLIC_CLERK_DOMAIN</c> / <c>CLERK_DOMAIN</c>, and
/// <c>NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY</c> (whose payload is the base64 of <c>{domain}$</c>).
/// Explicit <c>AuthCache</c> settings win. The Clerk domain also names the issuer whose users the secret key reads
/// (<c>AuthCache:UserProfiles:Issuer</c>), unless that is set, and is an issuer of Clerk session tokens (60 s), unless
/// its <c>MaxTokenLifetime</c> is set.
/// </summary>
internal sealed class ClerkEnvironmentOptionsSetup(IConfiguration configuration)
    : IPostConfigureOptions<AuthCacheOptions>
{
    public void PostConfigure(string? name, AuthCacheOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.UserProfiles.SecretKey)
            && configuration["CLERK_SECRET_KEY"] is { Length: > 0 } secretKey)
        {
            options.UserProfiles.SecretKey = secretKey;
        }

        var domain = FirstNonEmpty(configuration["NEXT_PUBLIC_CLERK_DOMAIN"], configuration["CLERK_DOMAIN"])
            ?? DomainFromPublishableKey(configuration["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"]);
        if (domain is null)
        {
            return;
        }

        var clerkIssuer = "https://" + domain.Trim().TrimEnd('/');
        if (options.Issuers.Count == 0)
        {
            options.Issuers.Add(new IssuerOptions { Issuer = clerkIssuer });
        }

        if (options.FindIssuer(clerkIssuer) is { MaxTokenLifetime: null } clerk)
        {
            clerk.MaxTokenLifetime = IssuerOptions.ClerkSessionTokenLifetime;
        }

        if (options.UserProfiles.Enabled && string.IsNullOrWhiteSpace(options.UserProfiles.Issuer))
        {
            options.UserProfiles.Issuer = clerkIssuer;
        }
    }

    /// <summary>
    /// Decodes <c>pk_live_…</c> / <c>pk_test_…</c>: the part after the prefix is base64 of <c>domain$</c>.
    /// </summary>
    public static string? DomainFromPublishableKey(string? publishableKey)
    {
        if (string.IsNullOrWhiteSpace(publishableKey))
        {
            return null;
        }

        var parts = publishableKey.Split('_', 3);
        if (parts.Length != 3 || parts[0] != "pk" || (parts[1] != "live" && parts[1] != "test"))
        {
            return null;
        }

        // Clerk encodes with standard base64; accept the URL-safe alphabet and missing padding as well.
        var encoded = parts[2].TrimEnd('=').Replace('-', '+').Replace('_', '/');
        encoded = encoded.PadRight(encoded.Length + (4 - encoded.Length % 4) % 4, '=');
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written))
        {
            return null;
        }

        var decoded = Encoding.UTF8.GetString(buffer, 0, written);
        if (!decoded.EndsWith('$'))
        {
            return null;
        }

        var domain = decoded[..^1];
        return Uri.CheckHostName(domain) == UriHostNameType.Dns ? domain : null;
    }

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
