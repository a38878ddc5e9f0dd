using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>
/// What to revoke, already checked: a session or a subject of <see cref="Issuer"/>, or one token by its hash
/// (<see cref="Issuer"/> null: a hash names one token whatever its issuer).
/// </summary>
internal sealed record RevocationTarget(RevocationKind Kind, string Value, string? Issuer)
{
    /// <summary>
    /// How the target appears in logs: sessions and subjects as they are, with their issuer; a token hash by its first
    /// characters only.
    /// </summary>
    public string ForLog =>
        Kind == RevocationKind.TokenHash ? Value[..Math.Min(8, Value.Length)] + "…" : $"{Value} of {Issuer}";
}
