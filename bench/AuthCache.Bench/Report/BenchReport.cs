using AuthCache.Bench.Flood;
using AuthCache.Bench.Memory;
using AuthCache.Bench.Micro;
using AuthCache.Bench.Runs;
using AuthCache.Bench.SiloLoss;
using AuthCache.Bench.Storm;

namespace AuthCache.Bench.Report;

/// <summary>Everything one run measured, and the circumstances.</summary>
public sealed record BenchReport(
    BenchSettings Settings,
    MachineInfo Machine,
    string Command,
    DateTimeOffset StartedAt,
    TimeSpan Elapsed,
    string LoadAverageAtStart,
    string LoadAverageAtEnd,
    CpuStalls Stalls,
    IReadOnlyList<SystemOutcome> Renewing,
    IReadOnlyList<SystemOutcome> AllHits,
    IReadOnlyList<SystemOutcome> AllHitsAtFixedRate,
    SiloLossOutcome? SiloLoss,
    FloodOutcome? Flood,
    IReadOnlyList<StormOutcome>? Storm,
    TokenMemoryResult? Memory,
    string? MemoryFailure,
    IReadOnlyList<MicroResult>? Micro,
    string? MicroFailure,
    long TokensMinted)
{
    public SystemOutcome? Find(IReadOnlyList<SystemOutcome> outcomes, string system) =>
        outcomes.FirstOrDefault(o => o.System == system && o.Measured);

    public MicroResult? FindMicro(string prefix) =>
        Micro?.FirstOrDefault(m => m.Benchmark.StartsWith(prefix, StringComparison.Ordinal));
}
