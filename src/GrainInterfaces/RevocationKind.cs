namespace AuthCache.GrainInterfaces;

/// <summary>What a revocation names: a session (<c>sid</c>), a subject (<c>sub</c>) or one token (its hash).</summary>
[GenerateSerializer, Alias("AuthCache.RevocationKind")]
public enum RevocationKind
{
    Session = 0,
    Subject = 1,
    TokenHash = 2,
}
