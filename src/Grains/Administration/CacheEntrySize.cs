using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Administration;

/// <summary>
/// Rough heap cost of a cached entry: the activation itself plus the objects and strings the grain keeps.
/// An estimate for trends and capacity planning; the exact figure depends on the runtime.
/// </summary>
internal static class CacheEntrySize
{
    /// <summary>Heap of an otherwise empty grain activation (grain context, message queue, the grain object).</summary>
    public const long ActivationBytes = 2048;

    private const long ObjectHeaderBytes = 24;
    private const long ReferenceBytes = 8;

    public static long Of(TokenValidationOutcome result)
    {
        var bytes = ActivationBytes + ObjectHeaderBytes + 8 * ReferenceBytes
            + Of(result.FailureReason) + Of(result.Issuer) + Of(result.Subject)
            + ObjectHeaderBytes + result.Claims.Count * ReferenceBytes;
        foreach (var claim in result.Claims)
        {
            bytes += ObjectHeaderBytes + 3 * ReferenceBytes + Of(claim.Type) + Of(claim.Value) + Of(claim.ValueType);
        }

        return bytes + (result.Profile is { } profile ? OfProfile(profile) : 0);
    }

    public static long Of(UserProfile profile) => ActivationBytes + OfProfile(profile);

    private static long OfProfile(UserProfile profile) =>
        ObjectHeaderBytes + 7 * ReferenceBytes
        + Of(profile.Id) + Of(profile.Username) + Of(profile.FirstName) + Of(profile.LastName)
        + Of(profile.PrimaryEmail) + Of(profile.ImageUrl);

    private static long Of(string? value) => value is null ? 0 : ObjectHeaderBytes + 2L * value.Length;
}
