using AuthCache.Core.Validation;
using Microsoft.Extensions.Options;

namespace AuthCache.Core.Options;

/// <summary>Refuses to start with settings that would make validation unsafe or the cache useless.</summary>
internal sealed class AuthCacheOptionsValidator : IValidateOptions<AuthCacheOptions>
{
    // Revocations are kept as long as the tokens they match can live, in memory on every silo and host: a day bounds
    // them while covering any sensible access-token lifetime.
    private static readonly TimeSpan LongestMaxTokenLifetime = TimeSpan.FromDays(1);

    private static readonly TimeSpan MaxGrainCallTimeout = TimeSpan.FromSeconds(30);

    // A signed JWT of a real provider is never under 1 KB or over the header limits of any server it travels through.
    private const int MinTokenSize = 1024;
    private const int MaxTokenSize = 1024 * 1024;

    private static readonly TimeSpan MaxJwksFetchTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan MaxProfileFetchTimeout = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, AuthCacheOptions options)
    {
        var failures = new List<string>();

        RequirePositive(failures, options.TokenCacheTtl, nameof(options.TokenCacheTtl));
        RequirePositive(failures, options.JwksRefreshInterval, nameof(options.JwksRefreshInterval));
        RequirePositive(failures, options.JwksRefreshCooldown, nameof(options.JwksRefreshCooldown));
        RequirePositive(failures, options.MaintenanceInterval, nameof(options.MaintenanceInterval));
        RequirePositive(failures, options.JwksMaxStaleness, nameof(options.JwksMaxStaleness));
        if (options.JwksFetchTimeout <= TimeSpan.Zero || options.JwksFetchTimeout > MaxJwksFetchTimeout)
        {
            failures.Add(
                "AuthCache:JwksFetchTimeout must be more than zero and at most 00:00:15 (a forced refresh and its "
                    + "retirement must answer within the admin endpoint's 25 s).");
        }

        if (options.UserProfiles.FetchTimeout <= TimeSpan.Zero
            || options.UserProfiles.FetchTimeout > MaxProfileFetchTimeout)
        {
            failures.Add(
                "AuthCache:UserProfiles:FetchTimeout must be more than zero and at most 00:00:30 (Orleans' response "
                    + "timeout).");
        }

        RequirePositive(failures, options.UserProfiles.CacheTtl, "UserProfiles:CacheTtl");
        RequirePositive(failures, options.NearCache.MaxAge, "NearCache:MaxAge");
        if (options.NearCache.MaxEntries < 1)
        {
            failures.Add("AuthCache:NearCache:MaxEntries must be at least 1.");
        }

        if (options.NearCache.EagerRefreshThreshold is { } threshold && !(threshold > 0 && threshold < 1))
        {
            failures.Add(
                "AuthCache:NearCache:EagerRefreshThreshold must be above 0 and below 1, or empty to turn eager "
                    + "refresh off.");
        }

        if (options.Revocation.MaxReplicaLag <= TimeSpan.Zero
            || options.Revocation.MaxReplicaLag > RevocationOptions.LongestReplicaLag)
        {
            failures.Add(
                "AuthCache:Revocation:MaxReplicaLag must be more than zero and at most 00:00:30 (the revocation list "
                    + "stops waiting for a host silent for that long).");
        }

        if (options.DirectoryCacheSize < 1_000)
        {
            failures.Add("AuthCache:DirectoryCacheSize must be at least 1000.");
        }

        if (options.MaxTokenSize is < MinTokenSize or > MaxTokenSize)
        {
            failures.Add(
                $"AuthCache:MaxTokenSize must be between {MinTokenSize} and {MaxTokenSize} bytes (was "
                    + $"{options.MaxTokenSize}; JwtBearer's default is "
                    + $"{Microsoft.IdentityModel.Tokens.TokenValidationParameters.DefaultMaximumTokenSizeInBytes}).");
        }

        if (options.MaxCachedTokens < 1)
        {
            failures.Add("AuthCache:MaxCachedTokens must be at least 1.");
        }

        if (options.GrainCallTimeout <= TimeSpan.Zero || options.GrainCallTimeout > MaxGrainCallTimeout)
        {
            failures.Add(
                "AuthCache:GrainCallTimeout must be more than zero and at most 00:00:30 (past it the fallback would "
                    + "come too late to help).");
        }

        if (options.FallbackAfter <= TimeSpan.Zero || options.FallbackAfter > options.GrainCallTimeout)
        {
            failures.Add("AuthCache:FallbackAfter must be more than zero and at most AuthCache:GrainCallTimeout.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add("AuthCache:ClockSkew must be between 00:00:00 and 00:05:00.");
        }

        if (!Uri.TryCreate(options.UserProfiles.BaseUrl, UriKind.Absolute, out var profileUri)
            || (profileUri.Scheme != Uri.UriSchemeHttps && profileUri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("AuthCache:UserProfiles:BaseUrl must be an absolute http(s) URL.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            ValidateIssuer(failures, options.Issuers[i], $"AuthCache:Issuers:{i}", seen);
        }

        ValidateProfileIssuer(failures, options);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateIssuer(List<string> failures, IssuerOptions issuer, string path, HashSet<string> seen)
    {
        if (!Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out var issuerUri))
        {
            failures.Add($"{path}:Issuer must be an absolute URL (was '{issuer.Issuer}').");
            return;
        }

        if (!seen.Add(issuer.Issuer))
        {
            failures.Add($"{path}:Issuer '{issuer.Issuer}' is configured twice.");
        }

        if (issuer.MaxTokenLifetime is { } lifetime
            && (lifetime <= TimeSpan.Zero || lifetime > LongestMaxTokenLifetime))
        {
            failures.Add(
                $"{path}:MaxTokenLifetime must be more than zero and at most 1.00:00:00 (revocations are kept that "
                    + "long in every process).");
        }

        if (!string.IsNullOrWhiteSpace(issuer.JwksUri) && !Uri.TryCreate(issuer.JwksUri, UriKind.Absolute, out _))
        {
            failures.Add($"{path}:JwksUri must be an absolute URL.");
            return;
        }

        ValidateAlgorithms(failures, issuer, path);

        if (issuer.RequireHttps
            && (issuerUri.Scheme != Uri.UriSchemeHttps || issuer.ConfiguredJwksUri() is { Scheme: not "https" }))
        {
            failures.Add(
                $"{path}: issuer and JWKS URI must use https (set RequireHttps=false only for a local development "
                    + "issuer).");
        }
    }

    private static void ValidateAlgorithms(List<string> failures, IssuerOptions issuer, string path)
    {
        var supported = string.Join(", ", SigningAlgorithms.Supported);
        foreach (var algorithm in issuer.Algorithms)
        {
            if (SigningAlgorithms.IndexOf(algorithm) >= 0)
            {
                continue;
            }

            // HS* verified with a published key would let anyone who reads the JWKS sign; none needs no key at all.
            var why =
                algorithm.StartsWith("HS", StringComparison.OrdinalIgnoreCase)
                || string.Equals(algorithm, "none", StringComparison.OrdinalIgnoreCase)
                    ? "HMAC and unsigned tokens are never accepted (their keys cannot be published)"
                    : "it is not an algorithm AuthCache verifies (names are case-sensitive)";
            failures.Add(
                $"{path}:Algorithms contains '{algorithm}': {why}. Use only {supported}, or leave it empty to accept "
                    + "the algorithms of the issuer's published keys.");
        }
    }

    // The secret key reads one Clerk instance's users: with several trusted issuers, which one must be said, or a
    // subject of one issuer would get the profile of the other's user of the same id.
    private static void ValidateProfileIssuer(List<string> failures, AuthCacheOptions options)
    {
        if (!options.UserProfiles.Enabled || options.Issuers.Count == 0)
        {
            return;
        }

        var issuer = options.UserProfiles.ResolveIssuer(options.Issuers);
        if (issuer is null)
        {
            failures.Add(
                $"AuthCache:UserProfiles:SecretKey is set and {options.Issuers.Count} issuers are trusted: set "
                    + "AuthCache:UserProfiles:Issuer to the one "
                    + "whose Clerk instance the secret key belongs to (one of "
                    + $"{string.Join(", ", options.Issuers.Select(i => i.Issuer))}).");
        }
        else if (options.FindIssuer(issuer) is null)
        {
            failures.Add(
                $"AuthCache:UserProfiles:Issuer '{issuer}' (set, or taken from the Clerk domain or publishable key) is "
                    + "not a trusted issuer: "
                + "set it to the AuthCache:Issuers entry whose Clerk instance the secret key belongs to.");
        }
    }

    private static void RequirePositive(List<string> failures, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"AuthCache:{name} must be greater than zero.");
        }
    }
}
