using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Revocation;

/// <summary>
/// The public names of revocation kinds: the parameters of the revoke endpoint, its answers and metric tags.
/// </summary>
internal static class RevocationKindNames
{
    public const string Session = "sid";
    public const string Subject = "sub";
    public const string TokenHash = "tokenHash";

    public static string Of(RevocationKind kind) => kind switch
    {
        RevocationKind.Session => Session,
        RevocationKind.Subject => Subject,
        RevocationKind.TokenHash => TokenHash,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown revocation kind."),
    };
}
