namespace AuthCache.Bench.Memory;

/// <summary>
/// Managed heap growth for caching <see cref="Tokens"/> tokens in a real silo, activation included, and the part
/// of it that is the cached result itself (record, claims), measured by holding such results outside a grain.
/// </summary>
public sealed record TokenMemoryResult(
    int Tokens,
    int Users,
    long HeapBeforeBytes,
    long HeapAfterBytes,
    long ActiveEntriesAfter,
    int ValidatedFirstPass,
    int CachedSecondPass,
    int SecondPassSample,
    double CachedResultBytes)
{
    public double BytesPerToken => (HeapAfterBytes - HeapBeforeBytes) / (double)Tokens;

    /// <summary>What is left for the activation: grain, activation data, directory entry, expiry timer.</summary>
    public double ActivationBytes => BytesPerToken - CachedResultBytes;
}
