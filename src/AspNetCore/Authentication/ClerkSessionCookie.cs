using AuthCache.AspNetCore.Admin;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// Clerk's <c>__session</c> cookie as a bearer token (<see cref="AuthCacheBearerOptions.ReadClerkSessionCookie"/>):
/// only when the request has no <c>Authorization</c> header, and only for requests the browser marks as coming from
/// this site's own pages, since a browser attaches the cookie to requests other websites make it send.
/// </summary>
internal static class ClerkSessionCookie
{
    public const string Name = "__session";

    public static string? Read(HttpRequest request) =>
        request.Headers[HeaderNames.Authorization].Count == 0
        && request.Cookies[Name] is { Length: > 0 } token
        && CrossSiteRequest.IsSameOrigin(request)
            ? token
            : null;
}
