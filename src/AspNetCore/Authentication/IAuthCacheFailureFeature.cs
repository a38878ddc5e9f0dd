namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// The answer AuthCache gives a refused token, readable by the application's own <c>OnChallenge</c> through
/// <c>context.HttpContext.Features.Get&lt;IAuthCacheFailureFeature&gt;()</c> (set before it runs). An application
/// that writes its own challenge keeps AuthCache's 503 and 429 by leaving those to AuthCache:
/// <c>if (context.HttpContext.Features.Get&lt;IAuthCacheFailureFeature&gt;()?.StatusCode is not (null or 401)) return
/// Task.CompletedTask;</c>
/// </summary>
public interface IAuthCacheFailureFeature
{
    /// <summary>
    /// AuthCache's reason code (<c>expired</c>, <c>revoked</c>, <c>keys_unavailable</c>, <c>too_many_failures</c>…).
    /// </summary>
    string Reason { get; }

    /// <summary>
    /// 401 for a token that is refused, 503 when the issuer's signing keys cannot be had (not the caller's fault),
    /// 429 when the caller's address has sent more refused tokens than <c>AuthCache:FailedAuthenticationLimit</c>
    /// allows.
    /// </summary>
    int StatusCode { get; }

    /// <summary>When the caller may try again, for 503 and 429; null for 401.</summary>
    TimeSpan? RetryAfter { get; }
}
