namespace AuthCache.GrainInterfaces;

/// <summary>
/// The reason codes a rejected token is answered with (<c>error_description</c> of the 401).
/// They are a public contract: clients and dashboards match on them.
/// </summary>
public static class AuthFailureReason
{
    /// <summary>The token's <c>exp</c> has passed, beyond the configured clock skew.</summary>
    public const string Expired = "expired";

    /// <summary>The token's <c>nbf</c> is still ahead, beyond the configured clock skew.</summary>
    public const string NotYetValid = "not_yet_valid";

    /// <summary>The signature does not verify with the issuer's key that the token names.</summary>
    public const string BadSignature = "bad_signature";

    /// <summary>
    /// The token names a key id its issuer does not publish, even after its keys were fetched again (at most once per
    /// <c>JwksRefreshCooldown</c>).
    /// </summary>
    public const string UnknownKey = "unknown_key";

    /// <summary>The token's <c>iss</c> is none of the trusted issuers (<c>AuthCache:Issuers</c>).</summary>
    public const string UnknownIssuer = "unknown_issuer";

    /// <summary>
    /// The token's <c>alg</c> is not one AuthCache verifies, not one its issuer's <c>Algorithms</c> pin, or, without
    /// pins, not one the issuer's keys can sign.
    /// </summary>
    public const string AlgorithmNotAllowed = "alg_not_allowed";

    /// <summary>The token's <c>azp</c> is none of its issuer's <c>AuthorizedParties</c>.</summary>
    public const string InvalidAuthorizedParty = "invalid_azp";

    /// <summary>The token's <c>aud</c> is none of its issuer's or its scheme's audiences.</summary>
    public const string InvalidAudience = "invalid_audience";

    /// <summary>
    /// The value is not a signed JWT that AuthCache reads (encrypted, a <c>crit</c> header, an unusable key id, JSON
    /// that is not strict), or it lacks a claim every token needs, such as <c>exp</c>.
    /// </summary>
    public const string Malformed = "malformed";

    /// <summary>The token is longer than <c>AuthCache:MaxTokenSize</c> and was refused before it was read.</summary>
    public const string TokenTooLarge = "token_too_large";

    /// <summary>
    /// The token lives longer than its issuer's <c>MaxTokenLifetime</c>, which bounds how long revocations are kept.
    /// </summary>
    public const string LifetimeTooLong = "lifetime_too_long";

    /// <summary>The token, its session or its subject was revoked (admin call or identity-provider webhook).</summary>
    public const string Revoked = "revoked";

    /// <summary>
    /// A Clerk session token of version 2 whose session is pending (<c>"sts": "pending"</c>: the user still has a task
    /// to complete, such as choosing an organisation): signed out, as Clerk's SDKs treat it, unless
    /// <c>AuthCache:Clerk:AcceptPendingSessions</c> is set.
    /// </summary>
    public const string SessionPending = "session_pending";

    /// <summary>
    /// The caller's address sent more refused tokens than the API host's failed-authentication limit allows: a token
    /// not already in its caches is refused without being looked at (a 429, not a 401).
    /// </summary>
    public const string TooManyFailures = "too_many_failures";

    /// <summary>The issuer's keys could not be obtained at all (no last-known-good set): a 503, not a 401.</summary>
    public const string KeysUnavailable = "keys_unavailable";
}
