using System.Diagnostics;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using CacheResult = AuthCache.GrainInterfaces.TokenValidationOutcome;

namespace AuthCache.Core.Validation;

/// <summary>
/// The full validation of one token with <see cref="JsonWebTokenHandler"/>: the precheck, the strict JSON rules
/// (<see cref="StrictTokenJson"/>), the issuer's keys (one refresh when the <c>kid</c> is unknown), signature,
/// the algorithm the issuer accepts and the named key allows (<see cref="IssuerSigningKeys"/>), lifetime with clock
/// skew, audience, Clerk's <c>azp</c> and Clerk's pending sessions (<see cref="ClerkSessionStatus"/>). Used by the
/// token grain and by the direct (uncached) scheme, so both apply the same rules.
/// </summary>
internal sealed partial class TokenValidator(
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    SigningKeyCache signingKeys,
    AuthCacheMetrics metrics,
    ILogger<TokenValidator> logger)
{
    public const string ValidOutcome = "valid";

    // Thread-safe; inbound claim mapping off so claims keep their JWT names (sub, sid, azp…).
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    public async Task<CacheResult> ValidateAsync(string token, ISigningKeySource keySource)
    {
        using var activity = AuthCacheActivities.Start(AuthCacheActivities.ValidateTokenActivity);
        var settings = options.CurrentValue;
        var precheck = TokenPrecheck.Inspect(token, settings, clock.UtcNow);
        if (!precheck.Passed)
        {
            return Rejected(precheck.FailureReason!, activity);
        }

        var jwt = precheck.Token!;
        var issuer = precheck.Issuer!;
        activity?.SetTag(AuthCacheActivities.IssuerTag, issuer.Issuer);
        if (!StrictTokenJson.IsStrict(token))
        {
            return Rejected(AuthFailureReason.Malformed, activity);
        }

        JwksSnapshot snapshot;
        try
        {
            snapshot = await keySource.GetKeysAsync(issuer.Issuer);
            if (snapshot.HasKeys && !string.IsNullOrEmpty(jwt.Kid) && !snapshot.ContainsKey(jwt.Kid))
            {
                snapshot = await keySource.RefreshForUnknownKeyAsync(issuer.Issuer, jwt.Kid);
                if (!snapshot.ContainsKey(jwt.Kid))
                {
                    return Rejected(
                        snapshot.HasKeys ? AuthFailureReason.UnknownKey : AuthFailureReason.KeysUnavailable,
                        activity);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogKeysUnavailable(logger, issuer.Issuer, ex.GetType().Name);
            return Rejected(AuthFailureReason.KeysUnavailable, activity);
        }

        if (!snapshot.HasKeys)
        {
            return Rejected(AuthFailureReason.KeysUnavailable, activity);
        }

        // The precheck has matched the algorithm against the supported ones and against the issuer's pins, if any.
        var algorithm = SigningAlgorithms.IndexOf(jwt.Alg);
        var pinned = issuer.Algorithms.Count > 0;
        var keys = signingKeys.GetKeys(snapshot);
        if (!pinned && !SigningAlgorithms.Contains(keys.DefaultMask, algorithm))
        {
            return Rejected(AuthFailureReason.AlgorithmNotAllowed, activity);
        }

        // A key is used only for what its alg, type and curve allow: the key the token names cannot have made a
        // signature of another algorithm (RS256 key and PS256 header, P-256 key and ES384 header).
        if (!string.IsNullOrEmpty(jwt.Kid)
            && keys.AlgorithmsOf(jwt.Kid, pinned) is { } usable
            && !SigningAlgorithms.Contains(usable, algorithm))
        {
            return Rejected(AuthFailureReason.BadSignature, activity);
        }

        var accepted = pinned ? issuer.Algorithms : keys.DefaultAlgorithms;
        var result = await Handler.ValidateTokenAsync(
            jwt,
            CreateParameters(issuer, settings, keys.For(algorithm, pinned), accepted));
        if (!result.IsValid)
        {
            var reason = ReasonFor(result.Exception);
            if (reason == AuthFailureReason.Malformed)
            {
                LogUnexpectedValidationFailure(logger, issuer.Issuer, result.Exception?.GetType().Name ?? "unknown");
            }

            return Rejected(reason, activity);
        }

        if (!IsAuthorizedParty(jwt, issuer))
        {
            return Rejected(AuthFailureReason.InvalidAuthorizedParty, activity);
        }

        if (!settings.Clerk.AcceptPendingSessions && ClerkSessionStatus.IsPending(jwt))
        {
            return Rejected(AuthFailureReason.SessionPending, activity);
        }

        metrics.Validated(ValidOutcome);
        activity?.SetOutcome(ValidOutcome, failed: false);
        var subject = string.IsNullOrEmpty(jwt.Subject) ? null : jwt.Subject;
        var claims = CachedClaimStrings.From(jwt.Claims, issuer, subject, out var unreadableOrganization);
        if (unreadableOrganization is not null)
        {
            LogUnreadableOrganization(logger, issuer.Issuer, unreadableOrganization);
        }

        return new CacheResult(
            IsValid: true,
            FailureReason: null,
            Issuer: issuer.Issuer,
            Subject: subject,
            Claims: claims,
            ExpiresAt: new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero),
            CachedUntil: null,
            Profile: null,
            FromCache: false,
            KeyId: jwt.SigningKey?.KeyId ?? jwt.Kid);
    }

    private CacheResult Rejected(string reason, Activity? activity)
    {
        metrics.Validated(reason);
        activity?.SetOutcome(reason, failed: true);
        return CacheResult.Failure(reason);
    }

    private TokenValidationParameters CreateParameters(
        IssuerOptions issuer,
        AuthCacheOptions settings,
        IReadOnlyList<SecurityKey> keys,
        IReadOnlyList<string> algorithms) =>
        new()
        {
            ValidIssuer = issuer.Issuer,
            ValidateIssuer = true,
            ValidAudiences = issuer.Audiences,
            ValidateAudience = issuer.Audiences.Count > 0,
            ValidAlgorithms = algorithms,
            IssuerSigningKeys = keys,
            TryAllIssuerSigningKeys = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = settings.ClockSkew,
            LifetimeValidator = ValidateLifetime,
        };

    // IdentityModel's own lifetime check reads the system clock; this one reads the cache's clock and keeps
    // the distinct exceptions so expired and not-yet-valid tokens get their own reason codes.
    private bool ValidateLifetime(
        DateTime? notBefore,
        DateTime? expires,
        SecurityToken token,
        TokenValidationParameters parameters)
    {
        var now = clock.UtcNow.UtcDateTime;
        if (expires is not { } expiry)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiration time.");
        }

        if (notBefore is { } start && start - parameters.ClockSkew > now)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = start };
        }

        if (expiry + parameters.ClockSkew <= now)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expiry };
        }

        return true;
    }

    /// <summary>
    /// Clerk's rule: when authorized parties are configured, an <c>azp</c> present in the token must be one of them.
    /// </summary>
    private static bool IsAuthorizedParty(JsonWebToken jwt, IssuerOptions issuer)
    {
        if (issuer.AuthorizedParties.Count == 0 || !jwt.TryGetPayloadValue<string>("azp", out var azp) || azp is null)
        {
            return true;
        }

        return issuer.AuthorizedParties.Contains(azp, StringComparer.Ordinal);
    }

    // Order matters: the key-not-found exception derives from the invalid-signature one.
    internal static string ReasonFor(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => AuthFailureReason.Expired,
        SecurityTokenNotYetValidException => AuthFailureReason.NotYetValid,
        SecurityTokenSignatureKeyNotFoundException => AuthFailureReason.UnknownKey,
        SecurityTokenInvalidAlgorithmException => AuthFailureReason.AlgorithmNotAllowed,
        SecurityTokenInvalidSignatureException => AuthFailureReason.BadSignature,
        SecurityTokenInvalidIssuerException => AuthFailureReason.UnknownIssuer,
        SecurityTokenInvalidAudienceException => AuthFailureReason.InvalidAudience,
        _ => AuthFailureReason.Malformed,
    };

    [LoggerMessage(
        EventId = 1101,
        Level = LogLevel.Warning,
        Message = "Signing keys of issuer {Issuer} are unavailable ({ErrorType}).")]
    private static partial void LogKeysUnavailable(ILogger logger, string issuer, string errorType);

    [LoggerMessage(
        EventId = 1102,
        Level = LogLevel.Information,
        Message = "A token of issuer {Issuer} failed validation with {ErrorType}; answered as malformed.")]
    private static partial void LogUnexpectedValidationFailure(ILogger logger, string issuer, string errorType);

    [LoggerMessage(
        EventId = 1103,
        Level = LogLevel.Debug,
        Message = "A valid token of issuer {Issuer} has a Clerk organisation claim that cannot be read ({Reason}); it "
            + "is accepted without organisation claims.")]
    private static partial void LogUnreadableOrganization(ILogger logger, string issuer, string reason);
}
