using System.Diagnostics;

namespace AuthCache.Core.Diagnostics;

/// <summary>
/// The <c>AuthCache</c> activity source: spans for token validations, grain calls of the API hosts, JWKS fetches and
/// profile fetches. Tags carry issuers and outcomes only: never tokens, hashes or subjects.
/// </summary>
internal static class AuthCacheActivities
{
    public const string SourceName = "AuthCache";

    public static readonly ActivitySource Source = new(SourceName);

    public const string IssuerTag = "authcache.issuer";

    public const string OutcomeTag = "authcache.outcome";

    public const string SourceTag = "authcache.source";
}
