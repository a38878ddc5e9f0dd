namespace AuthCache.Core.Options;

/// <summary>Enrichment of validated tokens with the user from Clerk's Backend API.</summary>
public sealed class UserProfileOptions
{
    /// <summary>The address of Clerk's Backend API; another address serves a proxy or a test double of it.</summary>
    public string BaseUrl { get; set; } = "https://api.clerk.com";

    /// <summary>Clerk secret key (<c>sk_…</c>); profiles are fetched only when it is set. Never logged.</summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// The trusted issuer whose users the secret key reads: only its tokens get a profile, since another issuer's
    /// <c>sub</c> names someone else. Unset: the Clerk domain or publishable key's issuer, else the only trusted
    /// issuer.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// How long a fetched profile is served before it is fetched again; a Clerk webhook about the user, or the admin
    /// cleanup with <c>scope=all</c>, drops it sooner.
    /// </summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a failed fetch is remembered, so a broken upstream is not asked on every token.</summary>
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// One deadline for a whole profile fetch, retries and body included: past it the exchange is cancelled and the
    /// fetch fails (at most 30 s, Orleans' response timeout).
    /// </summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal bool Enabled => !string.IsNullOrWhiteSpace(SecretKey);

    /// <summary>
    /// The issuer whose tokens get profiles: <see cref="Issuer"/>, or the only one of <paramref name="trusted"/>; null
    /// when neither says.
    /// </summary>
    internal string? ResolveIssuer(IReadOnlyList<IssuerOptions> trusted) =>
        !string.IsNullOrWhiteSpace(Issuer) ? Issuer : trusted.Count == 1 ? trusted[0].Issuer : null;
}
