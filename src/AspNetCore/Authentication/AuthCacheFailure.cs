namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// AuthCache's reason code on the exception a JwtBearer scheme with <c>UseAuthCache()</c> fails a token with
/// (<c>AuthenticationFailedContext.Exception</c>, <c>JwtBearerChallengeContext.AuthenticateFailure</c>). The exception
/// is of the type plain JwtBearer gives for the same case; the code says which of AuthCache's refusals it is
/// (<c>expired</c>, <c>revoked</c>, <c>keys_unavailable</c>…, docs/endpoints.md, Rejections).
/// </summary>
public static class AuthCacheFailure
{
    /// <summary>The <see cref="Exception.Data"/> key that holds the reason code.</summary>
    public const string ReasonDataKey = "AuthCache.Reason";

    /// <summary>The reason code AuthCache refused the token for, or null when the failure is not AuthCache's.</summary>
    public static string? ReasonOf(Exception? failure) => failure?.Data[ReasonDataKey] as string;
}
