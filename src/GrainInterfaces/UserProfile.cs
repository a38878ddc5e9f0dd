namespace AuthCache.GrainInterfaces;

/// <summary>The subset of a Clerk user that the cache keeps (no secrets, no metadata blobs).</summary>
[GenerateSerializer, Immutable, Alias("AuthCache.UserProfile")]
public sealed record UserProfile(
    string Id,
    string? Username,
    string? FirstName,
    string? LastName,
    string? PrimaryEmail,
    string? ImageUrl,
    DateTimeOffset FetchedAt);
