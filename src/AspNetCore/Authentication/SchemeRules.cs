using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// A scheme's own <see cref="TokenValidationParameters"/> applied to a cached answer: the issuer, the audience and
/// the lifetime as JsonWebTokenHandler would check them (their validator delegates included), so one cache serves
/// several schemes and each still refuses what its rules refuse. The signature, the keys and the algorithm are
/// AuthCache's (checked once, for the cluster).
/// </summary>
internal static class SchemeRules
{
    public const string AudienceClaim = "aud";

    /// <summary>The exception the scheme's rules refuse the answer with, or null when they accept it.</summary>
    public static Exception? Check(
        TokenValidationOutcome answer,
        CachedSecurityToken token,
        TokenValidationParameters parameters,
        DateTimeOffset now)
    {
        return CheckIssuer(answer.Issuer, token, parameters)
            ?? CheckAudience(
                answer
                    .Claims.Where(c => string.Equals(c.Type, AudienceClaim, StringComparison.Ordinal))
                    .Select(c => c.Value)
                    .ToList(),
                token,
                parameters)
            ?? CheckLifetime(token, parameters, now);
    }

    private static Exception? CheckIssuer(
        string? issuer,
        CachedSecurityToken token,
        TokenValidationParameters parameters)
    {
        if (parameters.IssuerValidator is { } validator)
        {
            // A custom issuer validator refuses by throwing.
            return Guard(
                () => validator(issuer, token, parameters) is not null,
                AuthFailureReason.UnknownIssuer,
                token,
                audiences: null);
        }

        if (!parameters.ValidateIssuer)
        {
            return null;
        }

        var valid = Values(parameters.ValidIssuer, parameters.ValidIssuers)
            .Concat((parameters.ConfigurationManager as AuthCacheConfigurationManager)?.Issuers ?? []);
        return issuer is not null && valid.Contains(issuer, StringComparer.Ordinal)
            ? null
            : TokenFailure.Tag(
                new SecurityTokenInvalidIssuerException(AuthFailureReason.UnknownIssuer) { InvalidIssuer = issuer },
                AuthFailureReason.UnknownIssuer);
    }

    private static Exception? CheckAudience(
        List<string> audiences,
        CachedSecurityToken token,
        TokenValidationParameters parameters)
    {
        if (parameters.AudienceValidator is { } validator)
        {
            return Guard(
                () => validator(audiences, token, parameters),
                AuthFailureReason.InvalidAudience,
                token,
                string.Join(", ", audiences));
        }

        if (!parameters.ValidateAudience)
        {
            return null;
        }

        var valid = Values(parameters.ValidAudience, parameters.ValidAudiences)
            .Select(a => Trimmed(a, parameters))
            .ToHashSet(StringComparer.Ordinal);
        return audiences.Any(a => valid.Contains(Trimmed(a, parameters)))
            ? null
            : TokenFailure.Tag(
                new SecurityTokenInvalidAudienceException(AuthFailureReason.InvalidAudience)
                {
                    InvalidAudience = string.Join(", ", audiences),
                },
                AuthFailureReason.InvalidAudience);
    }

    private static Exception? CheckLifetime(
        CachedSecurityToken token,
        TokenValidationParameters parameters,
        DateTimeOffset now)
    {
        DateTime? notBefore = token.ValidFrom == DateTime.MinValue ? null : token.ValidFrom;
        if (parameters.LifetimeValidator is { } validator)
        {
            return Guard(
                () => validator(notBefore, token.ValidTo, token, parameters),
                AuthFailureReason.Expired,
                token,
                audiences: null);
        }

        if (!parameters.ValidateLifetime)
        {
            return null;
        }

        var utcNow = now.UtcDateTime;
        if (token.ValidTo + parameters.ClockSkew <= utcNow)
        {
            return TokenFailure.Tag(
                new SecurityTokenExpiredException(AuthFailureReason.Expired) { Expires = token.ValidTo },
                AuthFailureReason.Expired);
        }

        return notBefore is { } start && start - parameters.ClockSkew > utcNow
            ? TokenFailure.Tag(
                new SecurityTokenNotYetValidException(AuthFailureReason.NotYetValid) { NotBefore = start },
                AuthFailureReason.NotYetValid)
            : null;
    }

    /// <summary>A validator delegate's verdict: accepted, refused with the reason code, or its own exception.</summary>
    private static Exception? Guard(Func<bool> accepts, string reason, CachedSecurityToken token, string? audiences)
    {
        try
        {
            var notBefore = token.ValidFrom == DateTime.MinValue ? (DateTime?)null : token.ValidFrom;
            return accepts()
                ? null
                : TokenFailure.For(reason, new TokenFacts(token.ValidTo, notBefore, token.Issuer, audiences));
        }
        catch (Exception ex) when (ex is SecurityTokenException or ArgumentException or InvalidOperationException)
        {
            return TokenFailure.Tag(ex, reason);
        }
    }

    private static IEnumerable<string> Values(string? one, IEnumerable<string>? many) =>
        (one is null ? [] : new[] { one }).Concat(many ?? []).Where(v => !string.IsNullOrEmpty(v));

    private static string Trimmed(string audience, TokenValidationParameters parameters) =>
        parameters.IgnoreTrailingSlashWhenValidatingAudience ? audience.TrimEnd('/') : audience;
}
