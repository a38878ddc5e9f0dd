namespace AuthCache.GrainInterfaces;

/// <summary>
/// The answer for one token: either its claims (and, when configured, the user's profile) or a failure reason.
/// A valid answer remembers the id of the signing key that verified it (<see cref="KeyId"/>), so retiring that key
/// takes it back. Never carries the token itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.TokenValidationOutcome")]
public sealed record TokenValidationOutcome(
    bool IsValid,
    string? FailureReason,
    string? Issuer,
    string? Subject,
    IReadOnlyList<TokenClaim> Claims,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? CachedUntil,
    UserProfile? Profile,
    bool FromCache,
    string? KeyId = null)
{
    /// <summary>A refusal with one of the <see cref="AuthFailureReason"/> codes.</summary>
    public static TokenValidationOutcome Failure(string reason) =>
        new(false, reason, null, null, [], null, null, null, false);
}
