namespace AuthCache.Bench.Memory;

/// <summary>Managed heap growth for caching <see cref="Tokens"/> tokens in a real silo, activation included.</summary>
public sealed record TokenMemoryResult(
    int Tokens,
    int Users,
    long HeapBeforeBytes,
    long HeapAfterBytes,
    long ActiveEntriesAfter,
    int ValidatedFirstPass,
    int CachedSecondPass,
    int SecondPassSample)
{
    public double BytesPerToken => (HeapAfterBytes - HeapBeforeBytes) / (double)Tokens;
}
