namespace AuthCache.AspNetCore.Webhooks;

/// <summary>Clerk's webhooks, bound from <c>AuthCache:Webhooks</c>; <c>CLERK_WEBHOOK_SECRET</c> works too.</summary>
public sealed class ClerkWebhookOptions
{
    public const string SectionName = "AuthCache:Webhooks";

    /// <summary>
    /// The endpoint's signing secret from Clerk's dashboard (<c>whsec_…</c>). Unset: the webhook endpoint answers
    /// 404. Never logged.
    /// </summary>
    public string? ClerkSigningSecret { get; set; }

    /// <summary>
    /// The issuer of the Clerk instance that sends the webhooks (one of <c>AuthCache:Issuers</c>): the sessions and
    /// users they name are that issuer's. Unset: <c>AuthCache:UserProfiles:Issuer</c>, else the only configured issuer.
    /// </summary>
    public string? Issuer { get; set; }
}
