namespace AuthCache.Bench.Contenders;

/// <summary>The Clerk-like issuer a contender trusts, bound from the <c>Clerk</c> section.</summary>
public sealed class ContenderOptions
{
    public const string SectionName = "Clerk";

    /// <summary>The exact <c>iss</c> of the tokens; its JWKS is <c>{Issuer}/.well-known/jwks.json</c>.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Base URL of the Backend API serving <c>GET /v1/users/{id}</c>.</summary>
    public string UsersBaseUrl { get; set; } = "";

    public string SecretKey { get; set; } = "";

    public TimeSpan ProfileCacheTtl { get; set; } = TimeSpan.FromMinutes(5);
}
