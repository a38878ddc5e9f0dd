using System.Globalization;
using System.Text;
using AuthCache.Core.Options;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// Which trusted issuer a JwtBearer scheme's <c>Authority</c> stands for. JwtBearer reads
/// <c>{Authority}/.well-known/openid-configuration</c> (adding the slash only when the Authority lacks one) and trusts
/// the <c>issuer</c> that document names, compared with a token's <c>iss</c> exactly. So
/// <c>https://tenant.auth0.com</c> and <c>https://tenant.auth0.com/</c> are one Authority, whose issuer is Auth0's
/// <c>https://tenant.auth0.com/</c>: an Authority pairs with the issuer equal to it, else with the one that differs
/// from it by one trailing slash, and tokens are still matched to that issuer exactly.
/// </summary>
internal static class AuthorityIssuer
{
    public static IssuerOptions? Find(AuthCacheOptions options, string authority) =>
        options.FindIssuer(authority)
        ?? options.FindIssuer(authority.EndsWith('/') ? authority[..^1] : authority + "/");

    /// <summary>
    /// One line saying why a scheme cannot accept any token (no issuers are configured) or why its
    /// <paramref name="authority"/> pairs with no trusted issuer, what is configured and how to fix it; null when
    /// neither.
    /// </summary>
    public static string? Refusal(string scheme, string? authority, AuthCacheOptions options)
    {
        var hasAuthority = !string.IsNullOrWhiteSpace(authority);
        if (options.Issuers.Count == 0)
        {
            return hasAuthority
                ? $"{scheme}: its Authority {Quote(authority!)} must be one of AuthCache:Issuers, and no issuers are "
                    + "configured: "
                    + "add the exact iss of its tokens as AuthCache:Issuers:0:Issuer."
                : $"{scheme}, and no issuers are configured (AuthCache:Issuers is empty), so it would refuse every "
                    + "token: "
                    + "add the exact iss of the tokens it accepts as AuthCache:Issuers:0:Issuer.";
        }

        if (!hasAuthority || Find(options, authority!) is not null)
        {
            return null;
        }

        return $"{scheme}: its Authority {Quote(authority!)} is none of AuthCache:Issuers "
            + $"({string.Join(", ", options.Issuers.Select(i => Quote(i.Issuer)))}), "
            + "with or without a trailing slash: add the exact iss of its tokens to AuthCache:Issuers (with its "
            + "JwksUri if it publishes no "
            + "OpenID Connect discovery document), or set Authority to one of them.";
    }

    /// <summary>
    /// In double quotes, every character outside printable ASCII as <c>\uXXXX</c>: values that look alike read apart.
    /// </summary>
    internal static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\')
            {
                quoted.Append(c);
            }
            else
            {
                quoted.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return quoted.Append('"').ToString();
    }
}
