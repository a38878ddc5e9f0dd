namespace AuthCache.GrainInterfaces;

/// <summary>
/// One revocation: every token of the session, every token of the subject issued at or before
/// <see cref="RevokedAt"/>, or the one token whose hash is <see cref="Value"/>. Sessions and subjects are an issuer's
/// names, so their revocation holds for that <see cref="Issuer"/> only; a token hash is unique on its own (no issuer).
/// Kept for the revocation retention.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.RevocationRecord")]
public sealed record RevocationRecord(RevocationKind Kind, string Value, DateTimeOffset RevokedAt, string? Issuer);
