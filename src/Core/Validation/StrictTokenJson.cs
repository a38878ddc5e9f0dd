using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace AuthCache.Core.Validation;

/// <summary>
/// The JSON rules of RFC 7515 and 7519 that <see cref="Microsoft.IdentityModel.JsonWebTokens.JsonWebToken"/> does
/// not enforce: it reads <c>"exp":"1796040000"</c> as a date and keeps the last of two members of one name, so the
/// token it sees may not be the one another parser sees. Header and claims set must be JSON objects without two
/// members of one name; <c>exp</c>, <c>nbf</c> and <c>iat</c> JSON numbers; <c>iss</c>, <c>sub</c>, <c>sid</c>,
/// <c>azp</c>, <c>jti</c>, <c>alg</c>, <c>kid</c>, <c>typ</c> and <c>cty</c> strings; <c>aud</c> a string or an
/// array of strings. One forward read of each segment, run by <see cref="TokenValidator"/> once per validation and
/// never on the cached path.
/// </summary>
internal static class StrictTokenJson
{
    private const int StackBufferBytes = 2048;

    // Past this many members, names go to a hash set: a token stuffed with members costs linear time, not quadratic.
    private const int MaxComparedNames = 32;

    private static readonly JsonDocumentOptions AnyDepth = new() { AllowDuplicateProperties = false };

    private enum Expected
    {
        Any,
        String,
        Number,
        StringOrStrings,
    }

    /// <summary>
    /// Whether the header and the claims set of <paramref name="token"/> (already shape-checked) follow the rules.
    /// </summary>
    public static bool IsStrict(string token)
    {
        var firstDot = token.IndexOf('.');
        var secondDot = token.IndexOf('.', firstDot + 1);
        return IsStrictSegment(token.AsSpan(0, firstDot), header: true)
            && IsStrictSegment(token.AsSpan(firstDot + 1, secondDot - firstDot - 1), header: false);
    }

    private static bool IsStrictSegment(ReadOnlySpan<char> segment, bool header)
    {
        var length = Base64Url.GetMaxDecodedLength(segment.Length);
        byte[]? rented = null;
        var buffer =
            length <= StackBufferBytes
                ? stackalloc byte[StackBufferBytes]
                : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            return Base64Url.DecodeFromChars(segment, buffer, out _, out var written) == OperationStatus.Done
                && IsStrictObject(buffer[..written], header);
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool IsStrictObject(ReadOnlySpan<byte> json, bool header)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        Span<Range> names = stackalloc Range[MaxComparedNames];
        var count = 0;
        HashSet<string>? manyNames = null;
        var nested = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                nested |= reader.TokenType == JsonTokenType.StartObject;
                continue;
            }

            if (manyNames is null && !reader.ValueIsEscaped && count < MaxComparedNames)
            {
                var name = reader.ValueSpan;
                for (var i = 0; i < count; i++)
                {
                    if (json[names[i]].SequenceEqual(name))
                    {
                        return false;
                    }
                }

                var start = (int)reader.TokenStartIndex + 1;
                names[count++] = start..(start + name.Length);
            }
            else
            {
                if (manyNames is null)
                {
                    manyNames = new HashSet<string>(StringComparer.Ordinal);
                    for (var i = 0; i < count; i++)
                    {
                        manyNames.Add(Encoding.UTF8.GetString(json[names[i]]));
                    }
                }

                if (!manyNames.Add(reader.GetString()!))
                {
                    return false;
                }
            }

            var expected = header ? HeaderMember(ref reader) : ClaimMember(ref reader);
            if (!reader.Read() || !HasExpectedValue(ref reader, expected))
            {
                return false;
            }

            nested |= reader.TokenType == JsonTokenType.StartObject;
        }

        return !nested || HasNoDuplicateAtAnyDepth(json);
    }

    // Objects inside claims are rare (Clerk's own claims have none), so their members are checked by the slower
    // parser that knows every depth, and only when there are some.
    private static bool HasNoDuplicateAtAnyDepth(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray(), AnyDepth);
        return true;
    }

    private static Expected HeaderMember(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("alg"u8)
        || reader.ValueTextEquals("kid"u8)
        || reader.ValueTextEquals("typ"u8)
        || reader.ValueTextEquals("cty"u8)
            ? Expected.String
            : Expected.Any;

    private static Expected ClaimMember(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("exp"u8) || reader.ValueTextEquals("nbf"u8) || reader.ValueTextEquals("iat"u8))
        {
            return Expected.Number;
        }

        if (reader.ValueTextEquals("iss"u8) || reader.ValueTextEquals("sub"u8) || reader.ValueTextEquals("sid"u8)
            || reader.ValueTextEquals("azp"u8) || reader.ValueTextEquals("jti"u8))
        {
            return Expected.String;
        }

        return reader.ValueTextEquals("aud"u8) ? Expected.StringOrStrings : Expected.Any;
    }

    /// <summary>Checks the value the reader stands on; an array of strings is read to its end.</summary>
    private static bool HasExpectedValue(ref Utf8JsonReader reader, Expected expected)
    {
        switch (expected)
        {
            case Expected.String:
                return reader.TokenType == JsonTokenType.String;
            case Expected.Number:
                return reader.TokenType == JsonTokenType.Number;
            case Expected.StringOrStrings when reader.TokenType == JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }
                }

                return true;
            case Expected.StringOrStrings:
                return reader.TokenType == JsonTokenType.String;
            default:
                return true;
        }
    }
}
