namespace AuthCache.AspNetCore.Authentication;

internal sealed record AuthCacheFailureFeature(string Reason, int StatusCode, TimeSpan? RetryAfter)
    : IAuthCacheFailureFeature;
