namespace AuthCache.AspNetCore.Webhooks;

/// <summary>Clerk's webhooks, bound from <c>AuthCache:Webhooks</c>; <c>CLERK_WEBHOOK_SECRET</c> works too.</summary>
public sealed class ClerkWebhookOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
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

    /// <summary>
    /// How many deliveries are processed at once (default: twice the processor count). A storm of sign-outs arrives
    /// from many connections at full speed; unbounded, it would take the host's processors from the requests it serves.
    /// Revocations that arrive together are still committed together, since the revocation list keeps writing while
    /// these wait for it.
    /// </summary>
    public int MaxConcurrency { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>
    /// How many deliveries wait for their turn, oldest first (default 400; 0: none wait). One more is answered 429
    /// with <c>Retry-After</c> and reason <c>webhook_busy</c>, having recorded nothing, and Svix delivers it again
    /// later.
    /// </summary>
    public int QueueLimit { get; set; } = 400;
}
