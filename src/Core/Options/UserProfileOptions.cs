namespace AuthCache.Core.Options;

/// <summary>Enrichment of validated tokens with the user from Clerk's Backend API.</summary>
public sealed class UserProfileOptions
{
    public string BaseUrl { get; set; } = "https://api.clerk.com";

    /// <summary>Clerk secret key (<c>sk_…</c>); profiles are fetched only when it is set. Never logged.</summary>
    public string? SecretKey { get; set; }

    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a failed fetch is remembered, so a broken upstream is not asked on every token.</summary>
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(SecretKey);
}
