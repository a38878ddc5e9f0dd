using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>
/// The answer to a user event: whose profile was evicted, whether the cluster held it, and how many silos noted it for
/// the validations they cache (an unreachable silo's keep the profile they hold until they expire).
/// </summary>
internal sealed record ProfileEvictionResponse(string Issuer, string Subject, bool ProfileDropped, int Silos, IReadOnlyList<string> UnreachableSilos)
{
    public static ProfileEvictionResponse From(string issuer, string subject, ProfileEvictionResult result) =>
        new(issuer, subject, result.ProfileDropped, result.Silos, result.UnreachableSilos);
}
