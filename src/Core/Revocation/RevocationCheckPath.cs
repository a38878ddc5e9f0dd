namespace AuthCache.Core.Revocation;

/// <summary>Where a token was found revoked (the <c>path</c> tag of the rejection counter).</summary>
internal static class RevocationCheckPath
{
    /// <summary>A cached validation answered a hit.</summary>
    public const string CacheHit = "cache_hit";

    /// <summary>A token grain had just validated the token.</summary>
    public const string Validation = "validation";

    /// <summary>
    /// An API host's own copy of the revocations rejected the token: a grain's answer, or a validation it made itself.
    /// </summary>
    public const string Local = "local";
}
