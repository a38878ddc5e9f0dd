using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>
/// The answer to a user event: whose profile was evicted, whether the cluster held it, how many silos noted it for
/// the validations they cache (an unreachable silo's keep the profile they hold until they expire), and how many API
/// hosts dropped their copies of the user's answers (an unconfirmed host's expire within <c>NearCache:MaxAge</c>).
/// </summary>
internal sealed record ProfileEvictionResponse(
    string Issuer,
    string Subject,
    bool ProfileDropped,
    int Silos,
    IReadOnlyList<string> UnreachableSilos,
    int Hosts,
    IReadOnlyList<string> UnconfirmedHosts)
{
    public static ProfileEvictionResponse From(string issuer, string subject, ProfileEvictionResult result) =>
        new(
            issuer,
            subject,
            result.ProfileDropped,
            result.Silos,
            result.UnreachableSilos,
            result.Hosts,
            result.UnconfirmedHosts);
}
