namespace AuthCache.Bench.Tokens;

/// <summary>
/// One Clerk session per user (its <c>sid</c> stays) whose token lives <c>lifetime</c> and is replaced by a new one <c>renewBefore</c> its
/// expiry, as Clerk's SDKs do. Initial tokens get staggered ages so renewals spread evenly instead of arriving in
/// one burst. Renewal runs on a background loop so request senders never sign.
/// </summary>
public sealed class RenewingTokenPool : ITokenSource, IAsyncDisposable
{
    private readonly ClerkTokenFactory _factory;
    private readonly TimeSpan _lifetime;
    private readonly TimeSpan _renewBefore;
    private readonly string[] _tokens;
    private readonly DateTime[] _expires;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;
    private long _minted;

    public RenewingTokenPool(ClerkTokenFactory factory, int users, TimeSpan lifetime, TimeSpan renewBefore)
    {
        _factory = factory;
        _lifetime = lifetime;
        _renewBefore = renewBefore;
        _tokens = new string[users];
        _expires = new DateTime[users];

        var now = DateTime.UtcNow;
        var random = new Random(7);
        var ages = Enumerable.Range(0, users).Select(_ => TimeSpan.FromTicks((long)(random.NextDouble() * (lifetime - renewBefore).Ticks))).ToArray();
        Parallel.For(0, users, u => Mint(u, now - ages[u]));
        _renewal = RenewAsync(_stop.Token);
    }

    public int Users => _tokens.Length;

    /// <summary>Tokens signed so far, the initial ones included.</summary>
    public long Minted => Interlocked.Read(ref _minted);

    public string TokenFor(int user) => Volatile.Read(ref _tokens[user]);

    private void Mint(int user, DateTime issuedAt)
    {
        // Whole seconds, as JWT times are: keeps exp exactly iat + lifetime.
        issuedAt = new DateTime(issuedAt.Ticks - issuedAt.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var token = _factory.Create(user, session: 0, issuedAt, _lifetime);
        _expires[user] = issuedAt + _lifetime;
        Volatile.Write(ref _tokens[user], token);
        Interlocked.Increment(ref _minted);
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = DateTime.UtcNow;
                for (var user = 0; user < _tokens.Length; user++)
                {
                    if (_expires[user] - now <= _renewBefore)
                    {
                        Mint(user, now);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        _stop.Dispose();
    }
}
