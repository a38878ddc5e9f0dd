namespace AuthCache.Bench.Issuer;

/// <summary>Calls the fake issuer has answered: key documents and users, plus user calls refused for a wrong secret key.</summary>
public readonly record struct UpstreamCounts(long Jwks, long Discovery, long Users, long RefusedUsers)
{
    /// <summary>Every call that would have left the process for the identity provider.</summary>
    public long Total => Jwks + Discovery + Users + RefusedUsers;

    public static UpstreamCounts operator -(UpstreamCounts after, UpstreamCounts before) =>
        new(after.Jwks - before.Jwks, after.Discovery - before.Discovery, after.Users - before.Users, after.RefusedUsers - before.RefusedUsers);
}
