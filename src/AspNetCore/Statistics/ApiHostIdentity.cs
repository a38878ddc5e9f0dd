namespace AuthCache.AspNetCore.Statistics;

/// <summary>
/// This API host's name in the cluster (counter reports, revocation subscriptions): the machine (pod) name and a
/// per-process suffix.
/// </summary>
internal sealed class ApiHostIdentity
{
    public string Name { get; } = Environment.MachineName + "/" + Guid.NewGuid().ToString("N")[..8];
}
