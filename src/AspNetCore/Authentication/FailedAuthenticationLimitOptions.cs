namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// How many rejected tokens one client address may send per window before it gets 429 instead of 401.
/// </summary>
internal sealed class FailedAuthenticationLimitOptions
{
    public const string SectionName = "AuthCache:FailedAuthenticationLimit";

    public int PermitLimit { get; set; } = 100;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
