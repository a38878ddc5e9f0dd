namespace AuthCache.GrainInterfaces;

/// <summary>
/// A user's profile changed at the identity provider (a Clerk <c>user.updated</c> or <c>user.deleted</c> webhook):
/// answers that carry a copy of it must read it again.
/// </summary>
/// <param name="Issuer">The issuer of the user.</param>
/// <param name="Subject">The user (the tokens' <c>sub</c>).</param>
[GenerateSerializer, Immutable, Alias("AuthCache.ProfileEvicted")]
public sealed record ProfileEvicted(string Issuer, string Subject) : CacheInvalidation
{
    /// <inheritdoc />
    public override bool EvictsProfileOf(string? issuer, string? subject) =>
        string.Equals(Issuer, issuer, StringComparison.Ordinal)
        && string.Equals(Subject, subject, StringComparison.Ordinal);
}
