namespace AuthCache.GrainInterfaces;

/// <summary>
/// One revocation: every token of the session, every token of the subject issued at or before
/// <see cref="RevokedAt"/>, or the one token whose hash is <see cref="Value"/>. Kept for the revocation retention.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.RevocationRecord")]
public sealed record RevocationRecord(RevocationKind Kind, string Value, DateTimeOffset RevokedAt);
