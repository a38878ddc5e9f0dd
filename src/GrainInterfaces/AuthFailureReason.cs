namespace AuthCache.GrainInterfaces;

/// <summary>
/// The reason codes a rejected token is answered with (<c>error_description</c> of the 401).
/// They are a public contract: clients and dashboards match on them.
/// </summary>
public static class AuthFailureReason
{
    public const string Expired = "expired";
    public const string NotYetValid = "not_yet_valid";
    public const string BadSignature = "bad_signature";
    public const string UnknownKey = "unknown_key";
    public const string UnknownIssuer = "unknown_issuer";
    public const string AlgorithmNotAllowed = "alg_not_allowed";
    public const string InvalidAuthorizedParty = "invalid_azp";
    public const string InvalidAudience = "invalid_audience";
    public const string Malformed = "malformed";
    public const string TokenTooLarge = "token_too_large";

    /// <summary>The token lives longer than its issuer's <c>MaxTokenLifetime</c>, which bounds how long revocations are kept.</summary>
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
