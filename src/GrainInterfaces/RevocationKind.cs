namespace AuthCache.GrainInterfaces;

/// <summary>What a revocation names: a session (<c>sid</c>), a subject (<c>sub</c>) or one token (its hash).</summary>
[GenerateSerializer, Alias("AuthCache.RevocationKind")]
public enum RevocationKind
{
    /// <summary>Every token of one session (<c>sid</c>), such as a sign-out.</summary>
    Session = 0,

    /// <summary>Every token of one subject (<c>sub</c>) issued so far, such as a deleted or banned user.</summary>
    Subject = 1,

    /// <summary>One token, named by its SHA-256 hash so the token itself is never kept.</summary>
    TokenHash = 2,
}
