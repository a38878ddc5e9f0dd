namespace AuthCache.Core.Options;

/// <summary>The API host's side of the revocation protocol (<c>AuthCache:Revocation</c>).</summary>
public sealed class RevocationOptions
{
    /// <summary>
    /// The longest <see cref="MaxReplicaLag"/> allowed: the revocation list forgets a host silent for that long.
    /// </summary>
    public static readonly TimeSpan LongestReplicaLag = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long ago the cluster's revocation list may last have confirmed this host's copy of it before the host,
    /// asked to resolve a token, first resynchronises its copy (waiting at most
    /// <see cref="AuthCacheOptions.FallbackAfter"/>), whatever path then answers: near cache, hedge or fallback. When
    /// the cluster cannot be reached in that time the host answers with the copy it has, and counts it
    /// (<c>authcache.revocation.stale_replica_answers</c>). The copy is renewed every half of this (at most every 5 s),
    /// so a host in touch with its cluster never waits for it. More than zero, at most 30 s.
    /// </summary>
    public TimeSpan MaxReplicaLag { get; set; } = TimeSpan.FromSeconds(5);
}
