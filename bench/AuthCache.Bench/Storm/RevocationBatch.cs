using AuthCache.Bench.Issuer;

namespace AuthCache.Bench.Storm;

/// <summary>
/// The sessions one burst of webhooks ends: sessions 0 … <see cref="Count"/> − 1 of a user no load draws, so every
/// batch revokes sessions of its own and none of the hit load's.
/// </summary>
public sealed record RevocationBatch(int User, int Count)
{
    public string UserId => ClerkTokenIdentities.UserId(User);

    public string SessionId(int session) => ClerkTokenIdentities.SessionId(User, session);
}
