using System.Collections.Frozen;
using System.Globalization;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthCache.Core.Validation;

/// <summary>
/// This process's issuer rules (<see cref="AuthCacheOptions.Issuers"/>: the issuer, its audiences and authorized
/// parties, the lifetime with <see cref="AuthCacheOptions.ClockSkew"/> and
/// <see cref="IssuerOptions.MaxTokenLifetime"/>, and Clerk's pending sessions unless
/// <see cref="ClerkOptions.AcceptPendingSessions"/>) in the form a validated answer is checked against without its
/// token: one frozen lookup per issuer and one pass over the answer's claims, no allocation. A grain on another silo
/// validated the token with that silo's options, so an answer from the cluster (or a copy of one) is accepted here only
/// when these rules accept it too, and refused with the reason code <see cref="TokenValidator"/> gives for the same
/// token. Immutable; <see cref="CurrentIssuerRules"/> holds the current one.
/// </summary>
internal sealed class IssuerRules
{
    private readonly FrozenDictionary<string, Rules> _issuers;
    private readonly TimeSpan _clockSkew;
    private readonly bool _acceptPendingSessions;

    private IssuerRules(AuthCacheOptions source)
    {
        Source = source;
        _clockSkew = source.ClockSkew;
        _acceptPendingSessions = source.Clerk.AcceptPendingSessions;

        // The first issuer of a name decides, as AuthCacheOptions.FindIssuer does.
        var issuers = new Dictionary<string, Rules>(StringComparer.Ordinal);
        foreach (var issuer in source.Issuers)
        {
            issuers.TryAdd(
                issuer.Issuer,
                new Rules(Audiences(issuer.Audiences), Set(issuer.AuthorizedParties), issuer.ResolveMaxTokenLifetime())
            );
        }

        _issuers = issuers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The options these rules were built from.</summary>
    public AuthCacheOptions Source { get; }

    public static IssuerRules From(AuthCacheOptions options) => new(options);

    /// <summary>
    /// The reason code these rules refuse a valid answer with, or null when they accept it. A refusal passes as it
    /// is: its own reason stands.
    /// </summary>
    public string? Refuses(TokenValidationOutcome answer, DateTimeOffset now)
    {
        if (!answer.IsValid)
        {
            return null;
        }

        return answer.ExpiresAt is { } expires
            ? Refuses(answer.Issuer, answer.Claims, expires, now)
            : AuthFailureReason.Malformed;
    }

    /// <summary>
    /// As <see cref="Refuses(TokenValidationOutcome, DateTimeOffset)"/>, for a cached validation whose end of life
    /// its holder already bounds by the token's expiry (<paramref name="expiresAt"/> null: not checked here).
    /// </summary>
    public string? Refuses(
        string? issuer,
        IReadOnlyList<TokenClaim> claims,
        DateTimeOffset? expiresAt,
        DateTimeOffset now)
    {
        // The order of TokenValidator's checks, so a token failing several rules gets the same reason on every path.
        if (issuer is null || !_issuers.TryGetValue(issuer, out var rules))
        {
            return AuthFailureReason.UnknownIssuer;
        }

        if (expiresAt is { } expires && expires + _clockSkew <= now)
        {
            return AuthFailureReason.Expired;
        }

        var latestStart = (now + _clockSkew).ToUnixTimeSeconds();
        var audienceFound = rules.Audiences is null;
        var partyRefused = false;
        double? expiresAtSeconds = null;
        double? issuedAtSeconds = null;
        var clerkVersion2 = false;
        var pendingStatus = false;
        for (var i = 0; i < claims.Count; i++)
        {
            var claim = claims[i];
            switch (claim.Type)
            {
                case JwtRegisteredClaimNames.Nbf
                or JwtRegisteredClaimNames.Iat when StartsAfter(claim.Value, latestStart):
                    return AuthFailureReason.NotYetValid;
                case JwtRegisteredClaimNames.Exp:
                    expiresAtSeconds = Seconds(claim.Value);
                    break;
                case JwtRegisteredClaimNames.Iat:
                    issuedAtSeconds = Seconds(claim.Value);
                    break;
                case JwtRegisteredClaimNames.Aud when !audienceFound:
                    audienceFound = rules.Audiences!.Contains(claim.Value);
                    break;
                case JwtRegisteredClaimNames.Azp when rules.AuthorizedParties is { } parties:
                    partyRefused |= !parties.Contains(claim.Value);
                    break;
                case ClerkOrganizationClaims.VersionClaim:
                    clerkVersion2 = ClerkSessionStatus.IsVersion2(claim.Value, claim.ValueType);
                    break;
                case ClerkSessionStatus.StatusClaim:
                    pendingStatus = ClerkSessionStatus.IsPendingStatus(claim.Value, claim.ValueType);
                    break;
            }
        }

        // The precheck's rule, read from the answer's claims: a silo may allow longer-lived tokens than this process.
        if (expiresAtSeconds is { } tokenExpires
            && TokenPrecheck.LivesLongerThan(
                FromSeconds(tokenExpires),
                issuedAtSeconds is { } iat ? FromSeconds(iat) : null,
                rules.MaxTokenLifetime,
                now))
        {
            return AuthFailureReason.LifetimeTooLong;
        }

        return !audienceFound ? AuthFailureReason.InvalidAudience
            : partyRefused ? AuthFailureReason.InvalidAuthorizedParty
            : !_acceptPendingSessions && clerkVersion2 && pendingStatus ? AuthFailureReason.SessionPending
            : null;
    }

    private static double? Seconds(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

    // Whole seconds, as JsonWebToken reads a NumericDate for the precheck.
    private static DateTimeOffset FromSeconds(double seconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)Math.Truncate(seconds));

    /// <summary>
    /// A NumericDate (seconds, possibly with a fraction, as JsonWebToken reads it) later than
    /// <paramref name="latestStart"/>.
    /// </summary>
    private static bool StartsAfter(string value, long latestStart) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && Math.Truncate(seconds) > latestStart;

    /// <summary>
    /// Each configured audience with and without one trailing slash, which is what JsonWebTokenHandler's audience
    /// check accepts by default (<c>IgnoreTrailingSlashWhenValidatingAudience</c>); null when audiences are not
    /// checked.
    /// </summary>
    private static FrozenSet<string>? Audiences(List<string> audiences)
    {
        if (audiences.Count == 0)
        {
            return null;
        }

        var accepted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var audience in audiences)
        {
            accepted.Add(audience);
            accepted.Add(audience + "/");
            if (audience.EndsWith('/'))
            {
                accepted.Add(audience[..^1]);
            }
        }

        return accepted.ToFrozenSet(StringComparer.Ordinal);
    }

    private static FrozenSet<string>? Set(List<string> values) =>
        values.Count == 0 ? null : values.ToFrozenSet(StringComparer.Ordinal);

    private sealed record Rules(
        FrozenSet<string>? Audiences,
        FrozenSet<string>? AuthorizedParties,
        TimeSpan MaxTokenLifetime);
}
