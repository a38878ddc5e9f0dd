using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AuthCache.AspNetCore.Admin;

/// <summary>
/// Recognises a state-changing request that a browser sent on behalf of another website (cross-site request
/// forgery): by its <c>Sec-Fetch-Site</c> header, which browsers set and pages cannot, and by an <c>Origin</c> that
/// is not this request's own <c>scheme://host</c>. Clients that are not browsers send neither and pass.
/// </summary>
internal static class CrossSiteRequest
{
    /// <summary>
    /// <c>Sec-Fetch-Site</c> says <c>cross-site</c> or <c>same-site</c> (a sibling subdomain is another site's page
    /// too).
    /// </summary>
    public const string CrossSiteReason = "cross_site_request";

    /// <summary>
    /// <c>Origin</c> is present and is not this request's scheme, host and port (<c>null</c> included).
    /// </summary>
    public const string ForeignOriginReason = "foreign_origin";

    private const string SecFetchSite = "Sec-Fetch-Site";

    /// <summary>
    /// The reason code to refuse <paramref name="request"/> with, or null for a safe method or a same-origin request.
    /// </summary>
    public static string? RefusalReason(HttpRequest request)
    {
        var method = request.Method;
        return
            HttpMethods.IsGet(method)
            || HttpMethods.IsHead(method)
            || HttpMethods.IsOptions(method)
            || HttpMethods.IsTrace(method)
            ? null
            : OriginProblem(request);
    }

    /// <summary>
    /// Whether a browser says <paramref name="request"/> comes from this site's own pages (or it is not a browser's):
    /// what a credential the browser attaches by itself, such as a cookie, needs before it is trusted, whatever the
    /// method.
    /// </summary>
    public static bool IsSameOrigin(HttpRequest request) =>
        OriginProblem(request) is null
        && request
            .Headers[SecFetchSite]
            .All(site =>
                string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase)
                || string.Equals(site, "none", StringComparison.OrdinalIgnoreCase));

    private static string? OriginProblem(HttpRequest request)
    {
        foreach (var site in request.Headers[SecFetchSite])
        {
            if (string.Equals(site, "cross-site", StringComparison.OrdinalIgnoreCase)
                || string.Equals(site, "same-site", StringComparison.OrdinalIgnoreCase))
            {
                return CrossSiteReason;
            }
        }

        var origin = request.Headers[HeaderNames.Origin];
        if (origin.Count == 0)
        {
            return null;
        }

        return origin.Count == 1 && IsOwnOrigin(origin[0], request) ? null : ForeignOriginReason;
    }

    private static bool IsOwnOrigin(string? origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || uri.PathAndQuery != "/"
            || uri.UserInfo.Length > 0
            || uri.Fragment.Length > 0
            || !request.Host.HasValue)
        {
            return false;
        }

        var port = request.Host.Port
            ?? (string.Equals(request.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ? 443 : 80);
        return string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            && uri.Port == port;
    }
}
