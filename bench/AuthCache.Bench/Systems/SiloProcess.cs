using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Systems;

/// <summary>A process that hosts a silo, and the silo port its membership entry is known by.</summary>
public sealed record SiloProcess(SutProcess Process, int SiloPort);
