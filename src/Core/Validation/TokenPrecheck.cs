using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Core.Validation;

/// <summary>
/// The outcome of <see cref="TokenPrecheck.Inspect"/>: a failure reason, or the parsed token and its issuer.
/// </summary>
internal readonly record struct PrecheckResult(string? FailureReason, JsonWebToken? Token, IssuerOptions? Issuer)
{
    public bool Passed => FailureReason is null;

    public static PrecheckResult Fail(string reason) => new(reason, null, null);
}

/// <summary>
/// Cheap structural checks that reject garbage before anything is hashed, cached or sent to a grain: size,
/// shape, header, algorithm (one of <see cref="SigningAlgorithms.Supported"/>, and one the issuer pins when it pins
/// any), issuer and lifetime (<c>exp</c>, <c>nbf</c>, an <c>iat</c> in the future, and a lifetime longer than the
/// issuer's <see cref="IssuerOptions.MaxTokenLifetime"/>).
/// Signatures and the strict JSON rules are checked later by <see cref="TokenValidator"/>.
/// </summary>
internal static class TokenPrecheck
{
    public const int MaxKeyIdLength = 256;

    public static PrecheckResult Inspect(string? token, AuthCacheOptions options, DateTimeOffset now)
    {
        if (CheckShape(token, options.MaxTokenSize) is { } shapeFailure)
        {
            return PrecheckResult.Fail(shapeFailure);
        }

        try
        {
            return InspectParsed(new JsonWebToken(token), options, now);
        }
        catch (Exception ex)
            when (ex
                    is ArgumentException
                        or SecurityTokenException
                        or FormatException
                        or InvalidOperationException
                        or System.Text.Json.JsonException)
        {
            return PrecheckResult.Fail(AuthFailureReason.Malformed);
        }
    }

    /// <summary>
    /// The checks that need no parsing: size, three segments, canonical base64url. What passes has exactly one
    /// spelling, so its hash can be looked up; <see langword="null"/> when it passes, else the reason.
    /// </summary>
    public static string? CheckShape(string? token, int maxTokenSize)
    {
        if (string.IsNullOrEmpty(token))
        {
            return AuthFailureReason.Malformed;
        }

        // Characters are bytes here: a token with any character outside base64url and '.' is malformed anyway.
        if (token.Length > maxTokenSize)
        {
            return AuthFailureReason.TokenTooLarge;
        }

        // Exactly three segments: a JWE (five) or anything else is not a signed JWT.
        if (token.AsSpan().Count('.') != 2 || !AreCanonicalSegments(token))
        {
            return AuthFailureReason.Malformed;
        }

        return null;
    }

    private static PrecheckResult InspectParsed(JsonWebToken jwt, AuthCacheOptions options, DateTimeOffset now)
    {
        if (jwt.IsEncrypted || jwt.TryGetHeaderValue<object>("crit", out _))
        {
            return PrecheckResult.Fail(AuthFailureReason.Malformed);
        }

        if (SigningAlgorithms.IndexOf(jwt.Alg) < 0)
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

        if (issuer.Algorithms.Count > 0 && !issuer.Algorithms.Contains(jwt.Alg!))
        {
            return PrecheckResult.Fail(AuthFailureReason.AlgorithmNotAllowed);
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

        // Clerk's SDK refuses a token issued in the future too: no issuer with a sane clock mints one.
        var issuedAt = jwt.IssuedAt;
        if (issuedAt != DateTime.MinValue && new DateTimeOffset(issuedAt, TimeSpan.Zero) - options.ClockSkew > now)
        {
            return PrecheckResult.Fail(AuthFailureReason.NotYetValid);
        }

        if (LivesTooLong(jwt, issuer, now))
        {
            return PrecheckResult.Fail(AuthFailureReason.LifetimeTooLong);
        }

        return new PrecheckResult(null, jwt, issuer);
    }

    /// <summary>
    /// A revocation is kept only as long as its issuer's tokens may live, so a token that lives longer would outlast
    /// the revocation of its session. Without <c>iat</c> the lifetime left is what can be measured.
    /// </summary>
    private static bool LivesTooLong(JsonWebToken jwt, IssuerOptions issuer, DateTimeOffset now) => LivesLongerThan(
        new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero),
        jwt.IssuedAt == DateTime.MinValue ? null : new DateTimeOffset(jwt.IssuedAt, TimeSpan.Zero),
        issuer.ResolveMaxTokenLifetime(),
        now);

    /// <summary>
    /// The lifetime rule on its own: <c>exp</c> − <c>iat</c>, or <c>exp</c> − now without <c>iat</c>, longer than
    /// <paramref name="maxLifetime"/>.
    /// </summary>
    public static bool LivesLongerThan(
        DateTimeOffset expires,
        DateTimeOffset? issuedAt,
        TimeSpan maxLifetime,
        DateTimeOffset now) => expires - (issuedAt ?? now) > maxLifetime;

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>
    /// Every segment must be unpadded base64url whose unused trailing bits are zero. Decoders ignore those bits
    /// (and padding, and whitespace), so without this rule one signed token has many spellings, each a
    /// different cache key: an attacker holding one valid token could multiply cache entries.
    /// </summary>
    private static bool AreCanonicalSegments(string token)
    {
        var index = 0;
        foreach (var range in token.AsSpan().Split('.'))
        {
            var segment = token.AsSpan(range);
            var isSignature = index++ == 2;

            // An empty signature is the unsecured form (alg "none"): left for the algorithm rule to name.
            if (segment.IsEmpty && isSignature)
            {
                continue;
            }

            if (segment.IsEmpty || segment.Length % 4 == 1 || segment.ContainsAnyExcept(Base64UrlAlphabet))
            {
                return false;
            }

            var unusedBits = (segment.Length % 4) switch { 2 => 4, 3 => 2, _ => 0 };
            if (unusedBits > 0 && (Base64UrlAlphabet64Index(segment[^1]) & ((1 << unusedBits) - 1)) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static int Base64UrlAlphabet64Index(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        _ => 63,
    };

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
