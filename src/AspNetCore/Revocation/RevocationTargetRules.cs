using System.Globalization;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>
/// The checks every revocation target passes before any grain call, whether an admin or a webhook named it.
/// Identifiers are short printable strings; anything else is refused with a reason code.
/// </summary>
internal static class RevocationTargetRules
{
    /// <summary>Far above Clerk's identifiers (about 30 characters), far below anything that costs memory.</summary>
    public const int MaxValueLength = 256;

    public const string EmptyValue = "empty_value";
    public const string ValueTooLong = "value_too_long";
    public const string InvalidCharacters = "invalid_characters";
    public const string InvalidTokenHash = "invalid_token_hash";

    /// <summary>
    /// Null when <paramref name="value"/> is acceptable for <paramref name="kind"/>, otherwise the reason code.
    /// </summary>
    public static string? Check(RevocationKind kind, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return EmptyValue;
        }

        if (value.Length > MaxValueLength)
        {
            return ValueTooLong;
        }

        if (!IsPrintable(value))
        {
            return InvalidCharacters;
        }

        return kind == RevocationKind.TokenHash && !TokenHash.IsWellFormed(value) ? InvalidTokenHash : null;
    }

    /// <summary>
    /// No control, format or line-separator characters and no broken surrogate pairs: safe in logs and keys.
    /// </summary>
    public static bool IsPrintable(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
                continue;
            }

            if (char.IsLowSurrogate(c))
            {
                return false;
            }

            switch (char.GetUnicodeCategory(c))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.OtherNotAssigned:
                    return false;
            }
        }

        return true;
    }
}
