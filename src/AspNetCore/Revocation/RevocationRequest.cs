using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Primitives;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>
/// The parameters of <c>POST /api/v1/cache/revoke</c> (query string and/or form): exactly one of <c>sid</c>,
/// <c>sub</c> or <c>tokenHash</c>, once, with a value that passes <see cref="RevocationTargetRules"/>; and the
/// <c>issuer</c> whose session or subject it is, one of <c>AuthCache:Issuers</c>, which may be left out when only one
/// issuer is trusted.
/// </summary>
internal static class RevocationRequest
{
    public const string MissingTarget = "missing_target";
    public const string MultipleTargets = "multiple_targets";
    public const string MissingIssuer = "missing_issuer";
    public const string UnknownIssuer = "unknown_issuer";
    public const string IssuerParameter = "issuer";

    private static readonly (string Name, RevocationKind Kind)[] Parameters =
    [
        (RevocationKindNames.Session, RevocationKind.Session),
        (RevocationKindNames.Subject, RevocationKind.Subject),
        (RevocationKindNames.TokenHash, RevocationKind.TokenHash),
    ];

    /// <summary>The target, or the reason code that refuses the request.</summary>
    public static (RevocationTarget? Target, string? Reason) Parse(
        IEnumerable<KeyValuePair<string, StringValues>> parameters,
        AuthCacheOptions settings)
    {
        RevocationKind? kind = null;
        string? value = null;
        StringValues issuers = default;
        var count = 0;
        foreach (var (name, values) in parameters)
        {
            if (string.Equals(name, IssuerParameter, StringComparison.OrdinalIgnoreCase))
            {
                issuers = StringValues.Concat(issuers, values.Count == 0 ? new StringValues(string.Empty) : values);
                continue;
            }

            foreach (var (parameter, parameterKind) in Parameters)
            {
                if (string.Equals(name, parameter, StringComparison.OrdinalIgnoreCase))
                {
                    count += Math.Max(values.Count, 1);
                    kind = parameterKind;
                    value = values.Count == 1 ? values[0] : null;
                }
            }
        }

        if (count == 0)
        {
            return (null, MissingTarget);
        }

        if (count > 1)
        {
            return (null, MultipleTargets);
        }

        var reason = RevocationTargetRules.Check(kind!.Value, value);
        if (reason is not null)
        {
            return (null, reason);
        }

        if (kind == RevocationKind.TokenHash && issuers.Count == 0)
        {
            return (new RevocationTarget(kind.Value, value!, null), null);
        }

        var (issuer, issuerReason) = IssuerOf(issuers, settings);
        if (issuerReason is not null)
        {
            return (null, issuerReason);
        }

        return (new RevocationTarget(kind.Value, value!, kind == RevocationKind.TokenHash ? null : issuer), null);
    }

    /// <summary>The named issuer when it is configured; the only configured one when none is named.</summary>
    private static (string? Issuer, string? Reason) IssuerOf(StringValues named, AuthCacheOptions settings)
    {
        if (named.Count > 1)
        {
            return (null, UnknownIssuer);
        }

        if (named.Count == 1)
        {
            return settings.FindIssuer(named[0]?.TrimEnd('/')) is { } known
                ? (known.Issuer, null)
                : (null, UnknownIssuer);
        }

        return settings.Issuers.Count == 1 ? (settings.Issuers[0].Issuer, null) : (null, MissingIssuer);
    }
}
