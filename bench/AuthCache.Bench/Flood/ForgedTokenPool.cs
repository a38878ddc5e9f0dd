namespace AuthCache.Bench.Flood;

/// <summary>Distinct forged tokens, each handed out once, in order; and how long signing them took.</summary>
public sealed class ForgedTokenPool(string[] tokens, TimeSpan mintingTime)
{
    private long _taken;

    public int Count => tokens.Length;

    public TimeSpan MintingTime { get; } = mintingTime;

    /// <summary>The next unsent token and its place in the sending order; false once all are taken.</summary>
    public bool TryTake(out long index, out string token)
    {
        index = Interlocked.Increment(ref _taken) - 1;
        token = index < tokens.Length ? tokens[index] : "";
        return index < tokens.Length;
    }
}
