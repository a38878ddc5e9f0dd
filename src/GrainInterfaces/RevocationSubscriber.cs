namespace AuthCache.GrainInterfaces;

/// <summary>
/// Who holds a copy of the revocation list: a silo (<see cref="Silo"/> set; every active silo must confirm a
/// revocation) or an API host that is a client of the cluster (confirms while its subscription is renewed).
/// </summary>
/// <param name="Name">Unique per process: the silo's address, or the API host's name.</param>
/// <param name="Silo">The silo's address; null for an API host.</param>
[GenerateSerializer, Immutable, Alias("AuthCache.RevocationSubscriber")]
public sealed record RevocationSubscriber(string Name, SiloAddress? Silo)
{
    /// <summary>Whether this copy is a silo's, which every revocation waits for, rather than an API host's.</summary>
    public bool IsSilo => Silo is not null;

    /// <summary>The copy of a silo, named by its address.</summary>
    public static RevocationSubscriber ForSilo(SiloAddress silo) => new(silo.ToParsableString(), silo);

    /// <summary>The copy of an API host that is a client of the cluster, named by its host name.</summary>
    public static RevocationSubscriber ForHost(string name) => new(name, null);
}
