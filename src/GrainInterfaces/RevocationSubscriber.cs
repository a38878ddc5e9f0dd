namespace AuthCache.GrainInterfaces;

/// <summary>
/// Who holds a copy of the revocation list: a silo (<see cref="Silo"/> set; every active silo must confirm a
/// revocation) or an API host that is a client of the cluster (confirms while its subscription is renewed).
/// </summary>
/// <param name="Name">Unique per process: the silo's address, or the API host's name.</param>
[GenerateSerializer, Immutable, Alias("AuthCache.RevocationSubscriber")]
public sealed record RevocationSubscriber(string Name, SiloAddress? Silo)
{
    public bool IsSilo => Silo is not null;

    public static RevocationSubscriber ForSilo(SiloAddress silo) => new(silo.ToParsableString(), silo);

    public static RevocationSubscriber ForHost(string name) => new(name, null);
}
