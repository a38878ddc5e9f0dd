using System.Globalization;

namespace AuthCache.Core.Profiles;

/// <summary>
/// The key of a user's profile grain: issuer and subject together, since a subject is unique only within its
/// issuer. Written <c>{issuer length}:{issuer}:{subject}</c>, so no issuer or subject spelling can pass for another
/// pair. Never holds a token.
/// </summary>
internal static class UserProfileKey
{
    public static string Create(string issuer, string subject) =>
        string.Create(CultureInfo.InvariantCulture, $"{issuer.Length}:{issuer}:{subject}");

    public static bool TryParse(string key, out string issuer, out string subject)
    {
        issuer = subject = "";
        var separator = key.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0
            || !int.TryParse(key.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || length <= 0
            || length > key.Length - separator - 2
            || key[separator + 1 + length] != ':')
        {
            return false;
        }

        issuer = key.Substring(separator + 1, length);
        subject = key[(separator + 2 + length)..];
        return subject.Length > 0;
    }
}
