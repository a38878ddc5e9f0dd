using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Core.Validation;

/// <summary>The outcome of <see cref="TokenPrecheck.Inspect"/>: a failure reason, or the parsed token and its issuer.</summary>
public readonly record struct PrecheckResult(string? FailureReason, JsonWebToken? Token, IssuerOptions? Issuer)
{
    public bool Passed => FailureReason is null;

    public static PrecheckResult Fail(string reason) => new(reason, null, null);
}

/// <summary>
/// Cheap structural checks that reject garbage before anything is hashed, cached or sent to a grain: size,
/// shape, header, algorithm, issuer and lifetime. Signatures are checked later by <see cref="TokenValidator"/>.
/// </summary>
public static class TokenPrecheck
{
    public const int MaxKeyIdLength = 256;

    /// <summary>Asymmetric algorithms only: no <c>none</c>, no HMAC (a public key must never verify as a secret).</summary>
    public static readonly IReadOnlyList<string> AllowedAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    public static PrecheckResult Inspect(string? token, AuthCacheOptions options, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token))
        {
            return PrecheckResult.Fail(AuthFailureReason.Malformed);
        }

        if (token.Length > AuthCacheOptions.MaxTokenBytes)
        {
            return PrecheckResult.Fail(AuthFailureReason.TokenTooLarge);
        }

        // Exactly three segments: a JWE (five) or anything else is not a signed JWT.
        if (token.AsSpan().Count('.') != 2)
        {
            return PrecheckResult.Fail(AuthFailureReason.Malformed);
        }

        try
        {
            return InspectParsed(new JsonWebToken(token), options, now);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return PrecheckResult.Fail(AuthFailureReason.Malformed);
        }
    }

    private static PrecheckResult InspectParsed(JsonWebToken jwt, AuthCacheOptions options, DateTimeOffset now)
    {
        if (jwt.IsEncrypted || jwt.TryGetHeaderValue<object>("crit", out _))
        {
            return PrecheckResult.Fail(AuthFailureReason.Malformed);
        }

        if (!IsAllowedAlgorithm(jwt.Alg))
        {
            return PrecheckResult.Fail(AuthFailureReason.AlgorithmNotAllowed);
        }

        if (!IsAcceptableKeyId(jwt.Kid))
        {
            return PrecheckResult.Fail(AuthFailureReason.Malformed);
        }

        var issuer = options.FindIssuer(jwt.Issuer);
        if (issuer is null)
        {
            return PrecheckResult.Fail(AuthFailureReason.UnknownIssuer);
        }

        var expires = jwt.ValidTo;
        if (expires == DateTime.MinValue)
        {
            return PrecheckResult.Fail(AuthFailureReason.Malformed);
        }

        if (new DateTimeOffset(expires, TimeSpan.Zero) + options.ClockSkew <= now)
        {
            return PrecheckResult.Fail(AuthFailureReason.Expired);
        }

        var notBefore = jwt.ValidFrom;
        if (notBefore != DateTime.MinValue && new DateTimeOffset(notBefore, TimeSpan.Zero) - options.ClockSkew > now)
        {
            return PrecheckResult.Fail(AuthFailureReason.NotYetValid);
        }

        return new PrecheckResult(null, jwt, issuer);
    }

    private static bool IsAllowedAlgorithm(string? alg)
    {
        foreach (var allowed in AllowedAlgorithms)
        {
            if (string.Equals(alg, allowed, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAcceptableKeyId(string? kid)
    {
        if (string.IsNullOrEmpty(kid))
        {
            return true;
        }

        if (kid.Length > MaxKeyIdLength)
        {
            return false;
        }

        foreach (var c in kid)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
