using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>What to revoke: a session, a subject or one token (by hash), already checked.</summary>
public sealed record RevocationTarget(RevocationKind Kind, string Value)
{
    /// <summary>How the target appears in logs: sessions and subjects as they are, a token hash by its first characters only.</summary>
    public string ForLog => Kind == RevocationKind.TokenHash ? Value[..Math.Min(8, Value.Length)] + "…" : Value;
}
