using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace AuthCache.Core.Validation;

/// <summary>
/// The JSON rules of RFC 7515 and 7519 that <see cref="Microsoft.IdentityModel.JsonWebTokens.JsonWebToken"/> does
/// not enforce: it reads <c>"exp":"1796040000"</c> as a date and keeps the last of two members of one name, so the
/// token it sees may not be the one another parser sees. Header and claims set must be objects without duplicate
/// member names; <c>exp</c>, <c>nbf</c> and <c>iat</c> JSON numbers; <c>iss</c>, <c>sub</c>, <c>sid</c>,
/// <c>azp</c>, <c>jti</c>, <c>alg</c>, <c>kid</c> and <c>typ</c> strings; <c>aud</c> a string or an array of them.
/// Run by <see cref="TokenValidator"/> once per validation, not on the cached path.
/// </summary>
internal static class StrictTokenJson
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    private static readonly string[] HeaderStrings = ["alg", "kid", "typ", "cty"];
    private static readonly string[] PayloadStrings = ["iss", "sub", "sid", "azp", "jti"];
    private static readonly string[] PayloadNumbers = ["exp", "nbf", "iat"];

    /// <summary>Whether the header and the claims set of <paramref name="token"/> (already shape-checked) follow the rules.</summary>
    public static bool IsStrict(string token)
    {
        var firstDot = token.IndexOf('.');
        var secondDot = token.IndexOf('.', firstDot + 1);
        return IsStrictSegment(token.AsSpan(0, firstDot), header: true)
            && IsStrictSegment(token.AsSpan(firstDot + 1, secondDot - firstDot - 1), header: false);
    }

    private static bool IsStrictSegment(ReadOnlySpan<char> segment, bool header)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(segment.Length));
        try
        {
            if (Base64Url.DecodeFromChars(segment, buffer, out _, out var written) != OperationStatus.Done)
            {
                return false;
            }

            using var document = JsonDocument.Parse(buffer.AsMemory(0, written), Strict);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && (header ? IsStrictHeader(root) : IsStrictClaimsSet(root));
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsStrictHeader(JsonElement header) => AreOfKind(header, HeaderStrings, JsonValueKind.String);

    private static bool IsStrictClaimsSet(JsonElement claims)
    {
        if (!AreOfKind(claims, PayloadStrings, JsonValueKind.String) || !AreOfKind(claims, PayloadNumbers, JsonValueKind.Number))
        {
            return false;
        }

        if (!claims.TryGetProperty("aud", out var audience) || audience.ValueKind == JsonValueKind.String)
        {
            return true;
        }

        if (audience.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var item in audience.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return false;
            }
        }

        return true;
    }

    private static bool AreOfKind(JsonElement element, string[] names, JsonValueKind kind)
    {
        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind != kind)
            {
                return false;
            }
        }

        return true;
    }
}
