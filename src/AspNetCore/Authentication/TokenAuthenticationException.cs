namespace AuthCache.AspNetCore.Authentication;

/// <summary>A rejected token. The message is the reason code alone, so it is safe to log and to answer with.</summary>
public sealed class TokenAuthenticationException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
