using Orleans.Runtime.Services;

namespace AuthCache.Grains.Administration;

internal interface ISiloCacheServiceClient
{
    /// <summary>The <see cref="ISiloCacheService"/> running on <paramref name="silo"/>.</summary>
    ISiloCacheService On(SiloAddress silo);
}

internal sealed class SiloCacheServiceClient(IServiceProvider services)
    : GrainServiceClient<ISiloCacheService>(services), ISiloCacheServiceClient
{
    public ISiloCacheService On(SiloAddress silo) => GetGrainService(silo);
}
