namespace AuthCache.Core.Revocation;

/// <summary>
/// The replica was behind the list and pulled it whole: invalidations delivered meanwhile may have been missed,
/// so every copy of an answer made before is suspect.
/// </summary>
internal sealed record ReplicaResynchronised : ReplicaChange
{
    public static ReplicaResynchronised Instance { get; } = new();
}
