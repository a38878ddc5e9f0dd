namespace AuthCache.Bench.Issuer;

/// <summary>Clerk-shaped identifiers of the simulated users: <c>user_…</c> subjects and <c>sess_…</c> sessions.</summary>
public static class ClerkTokenIdentities
{
    private const string UserPrefix = "user_bench";

    public static string UserId(int user) => $"{UserPrefix}{user:D6}";

    public static string SessionId(int user, int session) => $"sess_bench{user:D6}x{session:D6}";

    public static bool IsUserId(string id) =>
        id.Length == UserPrefix.Length + 6 && id.StartsWith(UserPrefix, StringComparison.Ordinal) && id.AsSpan(UserPrefix.Length).IndexOfAnyExceptInRange('0', '9') < 0;
}
