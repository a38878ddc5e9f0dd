namespace AuthCache.GrainInterfaces;

/// <summary>
/// What the eviction of one user's profile did: whether the cluster held the profile (<see cref="ProfileDropped"/>),
/// how many active silos took note for the validations they cache (<see cref="Silos"/>), and which did not confirm
/// (<see cref="UnreachableSilos"/>: they take note when their subscription catches up); how many API
/// hosts dropped their copies of the user's answers (<see cref="Hosts"/>), and which did not confirm it
/// (<see cref="UnconfirmedHosts"/>: their copies keep the profile for at most <c>NearCache:MaxAge</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.ProfileEvictionResult")]
public sealed record ProfileEvictionResult(
    bool ProfileDropped,
    int Silos,
    IReadOnlyList<string> UnreachableSilos,
    int Hosts,
    IReadOnlyList<string> UnconfirmedHosts);
