namespace AuthCache.Bench.Tokens;

/// <summary>The bearer token each simulated user presents right now.</summary>
public interface ITokenSource
{
    int Users { get; }

    string TokenFor(int user);
}
