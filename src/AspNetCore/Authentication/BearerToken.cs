using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AuthCache.AspNetCore.Authentication;

internal static class BearerToken
{
    /// <summary>
    /// The token of an <c>Authorization: Bearer …</c> header, or null when there is no bearer credential.
    /// </summary>
    public static string? From(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization];
        if (header.Count != 1 || header[0] is not { } value)
        {
            return null;
        }

        const string prefix = "Bearer ";
        if (!value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = value.AsSpan(prefix.Length).Trim();
        return token.IsEmpty ? null : token.ToString();
    }
}
