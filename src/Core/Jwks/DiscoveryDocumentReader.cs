using System.Text.Json;
using AuthCache.Core.Options;

namespace AuthCache.Core.Jwks;

/// <summary>
/// Reads an OpenID Connect discovery document for the one thing AuthCache takes from it, <c>jwks_uri</c>, and only
/// once its <c>issuer</c> equals the configured issuer exactly (OpenID Connect Discovery 1.0 §4.3): a document that
/// speaks for another issuer could point at keys that issuer never published.
/// </summary>
internal static class DiscoveryDocumentReader
{
    private const int MaxQuotedLength = 200;

    /// <returns>The key set's address, or null with <paramref name="error"/> saying why the document is
    /// refused.</returns>
    public static Uri? Read(string json, IssuerOptions issuer, out string? error)
    {
        string? documentIssuer;
        string? jwksUri;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = "the discovery document is not a JSON object";
                return null;
            }

            documentIssuer = StringOf(document.RootElement, "issuer");
            jwksUri = StringOf(document.RootElement, "jwks_uri");
        }
        catch (JsonException)
        {
            error = "the discovery document is not JSON";
            return null;
        }

        if (documentIssuer is null)
        {
            error = "the discovery document names no issuer";
            return null;
        }

        if (!string.Equals(documentIssuer, issuer.Issuer, StringComparison.Ordinal))
        {
            error =
                $"the discovery document names issuer {Quote(documentIssuer)}, not the configured "
                    + $"{Quote(issuer.Issuer)}";
            return null;
        }

        if (jwksUri is null
            || !Uri.TryCreate(jwksUri, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            error = "the discovery document has no absolute http(s) jwks_uri";
            return null;
        }

        if (issuer.RequireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            error = $"the discovery document's jwks_uri {Quote(jwksUri)} is not https";
            return null;
        }

        error = null;
        return uri;
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // The document is the issuer's text, not ours: bounded and quoted before it reaches a log line.
    private static string Quote(string value) =>
        "'" + (value.Length > MaxQuotedLength ? value[..MaxQuotedLength] + "…" : value) + "'";
}
