namespace AuthCache.Bench.Micro;

/// <summary>One microbenchmark's mean time per operation and its allocations.</summary>
public sealed record MicroResult(string Benchmark, double MeanNs, double StandardErrorNs, long? AllocatedBytes);
