namespace AuthCache.GrainInterfaces;

/// <summary>
/// The answer for one token: either its claims (and, when configured, the user's profile) or a failure reason.
/// Never carries the token itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.TokenValidationResult")]
public sealed record TokenValidationResult(
    bool IsValid,
    string? FailureReason,
    string? Issuer,
    string? Subject,
    IReadOnlyList<TokenClaim> Claims,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? CachedUntil,
    UserProfile? Profile,
    bool FromCache)
{
    public static TokenValidationResult Failure(string reason) =>
        new(false, reason, null, null, [], null, null, null, false);
}
