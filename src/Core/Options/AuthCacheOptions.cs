using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Core.Options;

/// <summary>Settings of the cache and of the validation rules, bound from the <c>AuthCache</c> section.</summary>
public sealed class AuthCacheOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "AuthCache";

    /// <summary>
    /// The issuers whose tokens are trusted, each with its own rules (<c>AuthCache:Issuers</c>); a token of any other
    /// issuer is refused (<c>unknown_issuer</c>). At least one is required.
    /// </summary>
    public List<IssuerOptions> Issuers { get; set; } = [];

    /// <summary>
    /// Tokens longer than this many bytes are refused (<c>token_too_large</c>) before they are hashed, parsed or sent
    /// to a grain. The default is JwtBearer's (<see cref="TokenValidationParameters.DefaultMaximumTokenSizeInBytes"/>,
    /// 250 KB): the cache keys a token by its hash and keeps its claims, not the token, so a large token costs only its
    /// parsing, and the server's request header limit (Kestrel: 32 KB for all headers) refuses larger ones first.
    /// </summary>
    public int MaxTokenSize { get; set; } = TokenValidationParameters.DefaultMaximumTokenSizeInBytes;

    /// <summary>How long a validated token is kept (never past the token's own <c>exp</c>).</summary>
    public TimeSpan TokenCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Validated tokens cached per silo at most; past it new tokens are validated but not cached. At about 4 KB
    /// per entry (activation included, see bench/RESULTS.md) the default bounds the cache near 1 GB per silo.
    /// </summary>
    public int MaxCachedTokens { get; set; } = 250_000;

    /// <summary>
    /// Entries of Orleans' grain directory cache per silo (<c>GrainDirectoryOptions.CacheSize</c>, 1,000,000 in
    /// Orleans). Every token a silo routes leaves one, forged tokens included, so this bounds what a flood of distinct
    /// tokens costs in memory; a popular token stays in it, a cold one costs a directory lookup.
    /// </summary>
    public int DirectoryCacheSize { get; set; } = 100_000;

    /// <summary>How long fetched signing keys are considered fresh.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Minimum time between two fetches triggered by tokens with unknown key ids.</summary>
    public TimeSpan JwksRefreshCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Past their expiry keys are served as stale (last-known-good) for at most this long, then withheld.
    /// </summary>
    public TimeSpan JwksMaxStaleness { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// One deadline for a whole key fetch, retries and body included: past it the exchange is cancelled and the fetch
    /// fails, so an issuer that sends headers and never finishes its body cannot hold the keys' grain (at most 15 s,
    /// so a forced refresh and the retirement it may announce fit in the admin endpoint's 25 s).
    /// </summary>
    public TimeSpan JwksFetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Silos: how often each issuer's signing-key grain and its refresh reminder are checked to be alive, and their
    /// freshness logged.
    /// </summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Tolerance applied to <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// API hosts: a grain call slower than this is abandoned and the token is validated in the host itself, so the
    /// cache never makes authentication slower or less available than doing without it (at most 30 s).
    /// </summary>
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// API hosts: how long a request waits for its token's grain before the host validates the token itself with the
    /// signing keys it holds, so a dead or slow silo costs a request this much, not the whole
    /// <see cref="GrainCallTimeout"/> (at most <see cref="GrainCallTimeout"/>). The grain's answer, if it comes within
    /// <see cref="GrainCallTimeout"/>, still fills the caches.
    /// </summary>
    public TimeSpan FallbackAfter { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The user profiles added to validated tokens, from Clerk's Backend API (<c>AuthCache:UserProfiles</c>).
    /// </summary>
    public UserProfileOptions UserProfiles { get; set; } = new();

    /// <summary>API hosts: the process-local copy of the cluster's answers (<c>AuthCache:NearCache</c>).</summary>
    public NearCacheOptions NearCache { get; set; } = new();

    /// <summary>Silos: shedding of token grains when memory runs short (<c>AuthCache:MemoryShedding</c>).</summary>
    public MemorySheddingOptions MemoryShedding { get; set; } = new();

    /// <summary>The rules for Clerk's session tokens (<c>AuthCache:Clerk</c>).</summary>
    public ClerkOptions Clerk { get; set; } = new();

    /// <summary>API hosts: how they follow the cluster's revocation list (<c>AuthCache:Revocation</c>).</summary>
    public RevocationOptions Revocation { get; set; } = new();

    /// <summary>The configured issuer whose <c>Issuer</c> equals <paramref name="issuer"/> exactly, or null.</summary>
    public IssuerOptions? FindIssuer(string? issuer)
    {
        if (string.IsNullOrEmpty(issuer))
        {
            return null;
        }

        foreach (var candidate in Issuers)
        {
            if (string.Equals(candidate.Issuer, issuer, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }
}
