namespace AuthCache.Bench.Tokens;

/// <summary>A few users with one long-lived token each: after a warm-up every request is a cache hit.</summary>
public sealed class FixedTokenPool : ITokenSource
{
    private readonly string[] _tokens;

    public FixedTokenPool(ClerkTokenFactory factory, int users, TimeSpan lifetime)
    {
        var issuedAt = DateTime.UtcNow;
        _tokens = Enumerable.Range(0, users).Select(u => factory.Create(u, session: 0, issuedAt, lifetime)).ToArray();
    }

    public int Users => _tokens.Length;

    public string TokenFor(int user) => _tokens[user];
}
